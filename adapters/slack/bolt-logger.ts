import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../src/index.ts';

/**
 * Colloquy's logger in the shape bolt and its Socket Mode client expect.
 * Everything is passed through (our logger filters by level); bolt's debug
 * lines can hold message payloads, so they stay at debug.
 */
export function toBoltLogger(logger: Logger): BoltLogger {
  let name = 'slack';
  const line = (parts: unknown[]) => parts.map((p) => (p instanceof Error ? p.message : typeof p === 'string' ? p : safeJson(p))).join(' ');
  return {
    debug: (...parts: unknown[]) => logger.debug(`${name}: ${line(parts)}`),
    info: (...parts: unknown[]) => logger.info(`${name}: ${line(parts)}`),
    warn: (...parts: unknown[]) => logger.warn(`${name}: ${line(parts)}`),
    error: (...parts: unknown[]) => logger.error(`${name}: ${line(parts)}`),
    setLevel: () => {},
    getLevel: () => LogLevel.DEBUG,
    setName: (n: string) => void (name = n),
  };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

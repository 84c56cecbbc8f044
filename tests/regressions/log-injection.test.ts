/**
 * Issue 17 #10: raw CR/LF/NUL from ids reached the log lines — a crafted
 * conversation id forged a log line. One entry is one line, whatever it holds.
 */
import { describe, expect, it } from 'vitest';
import { createLogger, escapeControl } from '../../src/logger.ts';

describe('log lines', () => {
  it('escape CR, LF, NUL and line separators in the message and the fields', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', write: (l) => lines.push(l) });
    const crafted = 'web-1\r\n[error] admin token leaked\u0000\u2028x';
    logger.warn(`conversation ${crafted} failed`, { conversationId: crafted, nested: { id: crafted } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/[\r\n\u0000\u2028]/);
    expect(lines[0]).toContain('web-1\\r\\n[error] admin token leaked\\u0000\\u2028x');
    expect(lines[0].startsWith('[warn] conversation web-1')).toBe(true);
  });

  it('leave ordinary text as it is', () => {
    expect(escapeControl('model default (version e822d52c29fc) — ok')).toBe('model default (version e822d52c29fc) — ok');
  });
});

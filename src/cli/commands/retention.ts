import { parseAge } from '../../privacy/age.ts';
import { num, parseFlags, required } from '../args.ts';
import type { CliContext } from '../context.ts';
import { runPrivacyOnLog } from './privacy-on-log.ts';

export const RETENTION_USAGE = `colloquy retention --older-than AGE [--data-dir DIR] [--timeout S]
  deletes conversations last active more than AGE ago (90d, 12h, 30m) with their temp files,
  moved-aside corrupt copies and index lines, and prints what was removed; goes through
  \`colloquy serve\` when it runs on the log (serve --retention AGE does this every hour)`;

/** The flags `colloquy retention` accepts. */
export const RETENTION_FLAGS = { 'older-than': { type: 'string' }, 'data-dir': { type: 'string' }, timeout: { type: 'string' } } as const;

/** `colloquy retention --older-than 90d`. */
export async function retentionCommand(argv: string[], ctx: CliContext): Promise<void> {
  const f = parseFlags(argv, RETENTION_FLAGS);
  const maxAgeMs = parseAge(required(f, 'older-than', 'colloquy retention --older-than 90d'));
  const timeout = num(f, 'timeout');
  const cutoff = new Date(Date.now() - maxAgeMs).toISOString();
  await runPrivacyOnLog(f['data-dir'], ctx, 'retention', { op: 'retention', cutoff }, timeout === undefined ? undefined : timeout * 1000);
}

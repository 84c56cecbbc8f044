import { ColloquyError } from '../../errors.ts';
import { num, parseCommandLine } from '../args.ts';
import type { CliContext } from '../context.ts';
import { runPrivacyOnLog } from './privacy-on-log.ts';

export const DELETE_USER_USAGE = `colloquy delete-user <user id> [--data-dir DIR] [--timeout S]
  deletes everything logged about one user (a privacy request): their conversations,
  their turns in other conversations, temp files and index lines, and prints what was removed.
  With \`colloquy serve\` running on the log, the running server does it (it holds the
  conversations in memory); --timeout S: how long to wait for it (default 60)`;

/** The flags `colloquy delete-user` accepts. */
export const DELETE_USER_FLAGS = { 'data-dir': { type: 'string' }, timeout: { type: 'string' } } as const;

/** `colloquy delete-user <id>`. */
export async function deleteUserCommand(argv: string[], ctx: CliContext): Promise<void> {
  const { values: f, positionals } = parseCommandLine(argv, DELETE_USER_FLAGS);
  const [userId, ...extra] = positionals;
  if (!userId?.trim() || extra.length > 0) throw new ColloquyError('usage', 'Name one user: colloquy delete-user <user id>', 'The user id as logged, e.g. web-user-… or slack:U123 (see `colloquy review --list`); quote ids with spaces.');
  const timeout = num(f, 'timeout');
  await runPrivacyOnLog(f['data-dir'], ctx, 'delete-user', { op: 'delete-user', userId }, timeout === undefined ? undefined : timeout * 1000);
}

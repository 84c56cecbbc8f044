import { ColloquyError } from '../../errors.ts';
import { describeDeletion, runPrivacyRequest, type PrivacyRequest } from '../../privacy/operations.ts';
import { submitPrivacyRequest, WATCHING_COMMANDS } from '../../privacy/requests.ts';
import { writerLockHolder } from '../../storage/writer-lock.ts';
import type { CliContext } from '../context.ts';
import { logDirOf, openExistingLog } from './log-dir.ts';

/**
 * Runs a privacy request on the log of `--data-dir` and prints what it
 * removed. When `colloquy serve` (or `chat`) holds the log, the request goes
 * through it (its store holds conversations in memory; deleting files behind
 * its back would be undone); otherwise the command takes the writer lock itself.
 *
 * @example
 * await runPrivacyOnLog(flags['data-dir'], ctx, 'delete-user', { op: 'delete-user', userId: 'u1' });
 */
export async function runPrivacyOnLog(dirFlag: unknown, ctx: CliContext, command: string, request: PrivacyRequest, timeoutMs?: number): Promise<void> {
  const dir = logDirOf(dirFlag);
  const holder = await writerLockHolder(dir);
  if (holder && WATCHING_COMMANDS.includes(holder.command)) {
    const report = await submitPrivacyRequest(dir, request, { timeoutMs });
    ctx.print(`${describeDeletion(report)} (through the running ${holder.command === 'serve' ? 'server' : `colloquy ${holder.command}`}, pid ${holder.pid})`);
    return;
  }
  const store = await openExistingLog(dirFlag, ctx, command).catch((err) => {
    if (err instanceof ColloquyError && err.code === 'colloquy_log_in_use') err.message += '; run the command again when it is done';
    throw err;
  });
  try {
    ctx.print(describeDeletion(await runPrivacyRequest(store, request)));
  } finally {
    await store.close();
  }
}

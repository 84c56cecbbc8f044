/**
 * The privacy operations the CLI, the admin API and the server's request
 * watcher run: delete one user, or apply retention. One shape for a request,
 * one for its outcome, so every way in prints the same thing.
 */
import { ColloquyError } from '../errors.ts';
import type { ConversationStore, DeletionReport } from '../storage/types.ts';

/** A privacy operation: forget one user, or delete what was last active before `cutoff` (ISO time). */
export type PrivacyRequest = { op: 'delete-user'; userId: string } | { op: 'retention'; cutoff: string };

/**
 * Checks a request read from a file or a request body; throws a usage error naming what is wrong.
 *
 * @example
 * const request = checkPrivacyRequest(JSON.parse(text));
 */
export function checkPrivacyRequest(value: unknown): PrivacyRequest {
  const r = value as Partial<Record<string, unknown>> | null;
  if (r?.op === 'delete-user' && typeof r.userId === 'string' && r.userId.trim() !== '') return { op: 'delete-user', userId: r.userId };
  if (r?.op === 'retention' && typeof r.cutoff === 'string' && !Number.isNaN(Date.parse(r.cutoff))) return { op: 'retention', cutoff: r.cutoff };
  throw new ColloquyError('usage', 'A privacy request is {"op":"delete-user","userId":"…"} or {"op":"retention","cutoff":"<ISO time>"}');
}

/**
 * Runs one request on the store.
 *
 * @example
 * const report = await runPrivacyRequest(store, { op: 'delete-user', userId: 'slack:U123' });
 */
export function runPrivacyRequest(store: ConversationStore, request: PrivacyRequest): Promise<DeletionReport> {
  return request.op === 'delete-user' ? store.deleteUser(request.userId) : store.deleteOlderThan(new Date(request.cutoff));
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * One line saying what a deletion removed.
 *
 * @example
 * describeDeletion({ conversations: 2, turns: 9, tempFiles: 1, corruptFiles: 0 });
 * // 'removed 2 conversations, 9 turns, 1 temp file, 0 moved-aside corrupt files'
 */
export function describeDeletion(report: DeletionReport): string {
  const parts = [plural(report.conversations, 'conversation'), plural(report.turns, 'turn')];
  if (report.tempFiles !== undefined) parts.push(plural(report.tempFiles, 'temp file'));
  if (report.corruptFiles !== undefined) parts.push(`${plural(report.corruptFiles, 'moved-aside corrupt file')}`);
  return `removed ${parts.join(', ')}`;
}

/**
 * Privacy deletion and retention over the store's own record operations,
 * shared by the stores that keep whole records (lowdb, memory). A store adds
 * what only it keeps (files beside the records, index lines).
 *
 * Deleting must not be undone by a write already under way: a message that
 * arrived before the deletion finishes is refused when it is written (see
 * `createTombstones`), and the engine's draft refuses to re-create a
 * conversation that was deleted while it was being answered.
 */
import { ColloquyError } from '../errors.ts';
import type { ConversationRecord, ConversationStore, DeletionReport } from './types.ts';

/** The record operations the deletions go through. */
type RecordOps = Pick<ConversationStore, 'get' | 'update' | 'delete' | 'list'>;

/** How long a deletion keeps refusing older writes for its user: far longer than any reply takes. */
export const TOMBSTONE_MS = 10 * 60_000;

/**
 * Users deleted a moment ago, so that a write that started before the
 * deletion (a reply being generated) cannot bring their data back. Kept in
 * memory only, for ten minutes. The deletion's time is compared with the
 * times the writes carry (a record's `createdAt`, a turn's `at`), so an engine
 * whose clock runs far behind sees its user's new messages refused meanwhile.
 *
 * @example
 * const tombstones = createTombstones();
 * tombstones.mark('u1');
 * const safe = tombstones.screen(next); // throws when next is u1's conversation from before the deletion
 */
export interface Tombstones {
  mark(userId: string, at?: Date): void;
  /** The record as it may be written: refuses a deleted user's conversation created before the deletion, drops their older turns elsewhere. */
  screen(record: ConversationRecord): ConversationRecord;
}

export function createTombstones(now: () => number = Date.now): Tombstones {
  const deleted = new Map<string, number>();
  const markOf = (userId: string | undefined): number | undefined => {
    if (userId === undefined) return undefined;
    const at = deleted.get(userId);
    if (at !== undefined && now() - at > TOMBSTONE_MS) deleted.delete(userId);
    return deleted.get(userId);
  };
  return {
    mark(userId, at = new Date(now())) {
      deleted.set(userId, at.getTime());
    },
    screen(record) {
      if (deleted.size === 0) return record;
      const owner = markOf(record.userId);
      if (owner !== undefined && Date.parse(record.createdAt) <= owner) {
        throw new ColloquyError('storage_conversation_deleted', 'This conversation was deleted (a privacy request) while the write was under way; nothing was written', 'Start a new conversation.');
      }
      const turns = record.turns.filter((t) => {
        const mark = markOf(t.userId);
        return mark === undefined || Date.parse(t.at) > mark;
      });
      return turns.length === record.turns.length ? record : { ...record, turns };
    },
  };
}

/**
 * Deletes a user's conversations and removes their turns (and their name on
 * feedback) from everyone else's, through `ops`. Marks the tombstone first, so
 * writes racing with the deletion are screened.
 *
 * @example
 * const report = await deleteUserRecords(store, tombstones, 'slack:U123');
 */
export async function deleteUserRecords(ops: RecordOps, tombstones: Tombstones, userId: string): Promise<DeletionReport> {
  if (typeof userId !== 'string' || userId === '') throw new ColloquyError('storage_bad_argument', 'A user id to delete is required');
  tombstones.mark(userId);
  const report: DeletionReport = { conversations: 0, turns: 0 };
  const own: { id: string; turns: number }[] = [];
  const others: string[] = [];
  for await (const s of ops.list()) (s.userId === userId ? own.push(s) : others.push(s.id));
  for (const s of own) {
    if (await ops.delete(s.id)) {
      report.conversations++;
      report.turns += s.turns;
    }
  }
  const mentions = (r: ConversationRecord) => r.turns.some((t) => t.userId === userId || t.feedback?.by === userId);
  for (const id of others) {
    const record = await ops.get(id);
    if (!record || !mentions(record)) continue;
    await ops.update(id, (cur) => {
      if (!cur) throw new ColloquyError('storage_conversation_gone', `Conversation ${id} disappeared during a user deletion`);
      const kept = cur.turns.filter((t) => t.userId !== userId);
      report.turns += cur.turns.length - kept.length;
      for (const t of kept) if (t.feedback?.by === userId) delete t.feedback.by;
      return { ...cur, turns: kept };
    }).catch((err) => {
      // deleted meanwhile: nothing of the user is left in it
      if (!(err instanceof ColloquyError && err.code === 'colloquy_storage_conversation_gone')) throw err;
    });
  }
  return report;
}

/**
 * Deletes, through `ops`, every conversation last active before `cutoff`.
 *
 * @example
 * const report = await deleteRecordsOlderThan(store, new Date(Date.now() - 90 * 86_400_000));
 */
export async function deleteRecordsOlderThan(ops: RecordOps, cutoff: Date): Promise<DeletionReport> {
  if (!(cutoff instanceof Date) || Number.isNaN(cutoff.getTime())) throw new ColloquyError('storage_bad_argument', `Retention needs a valid cutoff date, got ${String(cutoff)}`);
  const report: DeletionReport = { conversations: 0, turns: 0 };
  const old: { id: string; turns: number }[] = [];
  for await (const s of ops.list({ to: cutoff })) if (Date.parse(s.updatedAt) < cutoff.getTime()) old.push(s);
  for (const s of old) {
    if (await ops.delete(s.id)) {
      report.conversations++;
      report.turns += s.turns;
    }
  }
  return report;
}

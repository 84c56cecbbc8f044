/**
 * Housekeeping on any `ConversationStore`: retention, privacy deletion of one
 * user, and export of the log to the corpus JSONL format for retraining.
 * Everything goes through the store's interface, one conversation at a time.
 */
import { writeCorpus } from '../data/corpus-file.ts';
import { actionTurn, redactCall } from '../data/action-text.ts';
import { actionOf, type Dialogue, type Turn } from '../data/dialogue.ts';
import { ColloquyError } from '../errors.ts';
import type { LowdbStoreExtras } from './lowdb-store.ts';
import { redactText } from './redact.ts';
import type { ConversationRecord, ConversationStore, ListFilter } from './types.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes every conversation whose last activity (`updatedAt`) is more than
 * `days` days before `now`. Returns how many were deleted.
 *
 * @example
 * const { deleted } = await deleteOlderThan(store, 90);
 */
export async function deleteOlderThan(store: ConversationStore, days: number, now: Date = new Date()): Promise<{ deleted: number }> {
  if (!Number.isFinite(days) || days < 0) throw new ColloquyError('storage_bad_argument', `Retention must be a number of days ≥ 0, got ${days}`);
  const cutoff = now.getTime() - days * DAY_MS;
  const old: string[] = [];
  for await (const s of store.list({ to: new Date(cutoff) })) if (Date.parse(s.updatedAt) < cutoff) old.push(s.id);
  let deleted = 0;
  for (const id of old) if (await store.delete(id)) deleted++;
  return { deleted };
}

/**
 * Options of `deleteUser`.
 *
 * @example
 * await deleteUser(store, 'U123', { scanTurns: false });
 */
export interface DeleteUserOptions {
  /** Also remove the user's turns (and unlink their feedback) in other users' conversations, e.g. shared Slack channels. Reads every conversation once. Default true. */
  scanTurns?: boolean;
}

/**
 * Deletes everything about one user (a privacy request): their conversations,
 * their turns in other conversations, the `by` of feedback they gave, and —
 * with the lowdb store — moved-aside corrupt files that mention them and the
 * old lines of the index log.
 *
 * @example
 * const { conversations, turns } = await deleteUser(store, 'slack:U123');
 */
export async function deleteUser(
  store: ConversationStore & Partial<Pick<LowdbStoreExtras, 'purgeCorrupt' | 'compactIndex'>>,
  userId: string,
  { scanTurns = true }: DeleteUserOptions = {},
): Promise<{ conversations: number; turns: number; corruptFiles: number }> {
  const own: string[] = [];
  for await (const s of store.list({ userId })) own.push(s.id);
  let conversations = 0;
  for (const id of own) if (await store.delete(id)) conversations++;

  let turns = 0;
  if (scanTurns) {
    const mentions = (r: ConversationRecord) => r.turns.some((t) => t.userId === userId || t.feedback?.by === userId);
    const others: string[] = [];
    for await (const s of store.list()) others.push(s.id);
    for (const id of others) {
      const record = await store.get(id);
      if (!record || !mentions(record)) continue;
      await store.update(id, (cur) => {
        if (!cur) throw new ColloquyError('storage_conversation_gone', `Conversation ${id} disappeared during a user deletion`);
        const kept = cur.turns.filter((t) => t.userId !== userId);
        turns += cur.turns.length - kept.length;
        for (const t of kept) if (t.feedback?.by === userId) delete t.feedback.by;
        return { ...cur, turns: kept };
      });
    }
  }
  const needle = `"userId":${JSON.stringify(userId)}`;
  const corruptFiles = store.purgeCorrupt ? await store.purgeCorrupt((text) => text.includes(needle)) : 0;
  await store.compactIndex?.();
  return { conversations, turns, corruptFiles };
}

/**
 * Options of `exportCorpus`.
 *
 * @example
 * await exportCorpus(store, 'out/log.jsonl', { filter: { channel: 'web', from: new Date('2025-01-01') } });
 */
export interface ExportCorpusOptions {
  /** Mask emails, phones, cards and IBANs in the texts and ids (default true). */
  redact?: boolean;
  /** Which conversations to export (all by default). */
  filter?: ListFilter;
}

/**
 * Writes the log as a corpus file (JSONL, `{"id","turns":[{"speaker","text"}]}`),
 * one dialogue per session (id `<conversation id>#<n>`, n from 1) because the
 * model only ever sees one session. `notice` turns are left out; user, bot and
 * agent turns are kept. Returns the counts.
 *
 * @example
 * const { dialogues, turns } = await exportCorpus(store, 'conversations/export/log.jsonl');
 */
export async function exportCorpus(
  store: ConversationStore,
  file: string,
  { redact = true, filter }: ExportCorpusOptions = {},
): Promise<{ conversations: number; dialogues: number; turns: number }> {
  const mask = redact ? redactText : (s: string) => s;
  const dialogues: Dialogue[] = [];
  let conversations = 0;
  let turns = 0;
  for await (const s of store.list(filter)) {
    const record = await store.get(s.id);
    if (!record) continue;
    conversations++;
    const sessions = new Map<string, Turn[]>();
    for (const t of record.turns) {
      if (t.speaker === 'notice' || t.text.trim() === '') continue;
      const list = sessions.get(t.sessionId) ?? [];
      const call = actionOf(t);
      list.push(call ? actionTurn(redactCall(call, mask)) : { speaker: t.speaker as Turn['speaker'], text: mask(t.text) });
      sessions.set(t.sessionId, list);
    }
    let n = 0;
    for (const list of sessions.values()) {
      dialogues.push({ id: `${mask(record.id)}#${++n}`, turns: list });
      turns += list.length;
    }
  }
  await writeCorpus(file, dialogues);
  return { conversations, dialogues: dialogues.length, turns };
}

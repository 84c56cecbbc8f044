/**
 * Moving a bot's conversation log from one store to another (lowdb files →
 * PostgreSQL), idempotently: a conversation the target lacks is copied whole;
 * one it has gets only the turns it lacks (by turn id, in time order), so a
 * second run — or a run after the bot already wrote to the target — doubles
 * nothing and loses nothing. Channel state keys the target lacks are copied.
 */
import type { Logger } from '../logger.ts';
import { silentLogger } from '../logger.ts';
import type { ConversationRecord, ConversationStore } from './types.ts';

/** What a copy did. */
export interface CopyReport {
  /** Conversations the target did not have. */
  copied: number;
  /** Conversations the target had, that got turns they lacked. */
  merged: number;
  /** Conversations already complete in the target. */
  unchanged: number;
  /** Turns written to the target. */
  turns: number;
  /** Channel state keys written to the target. */
  channelState: number;
}

export interface CopyStoreOptions {
  /** The source's channel state (key, value), when it can list it. */
  channelState?: Iterable<[string, unknown]>;
  logger?: Logger;
  /** Called after each conversation (done, of total). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Copies every conversation of `source` into `target`.
 *
 * @example
 * const report = await copyConversations(lowdb, postgres, { channelState: lowdb.channelStateEntries() });
 */
export async function copyConversations(source: ConversationStore, target: ConversationStore, { channelState = [], logger = silentLogger, onProgress }: CopyStoreOptions = {}): Promise<CopyReport> {
  const report: CopyReport = { copied: 0, merged: 0, unchanged: 0, turns: 0, channelState: 0 };
  const ids: string[] = [];
  for await (const s of source.list()) ids.push(s.id);
  for (const [n, id] of ids.entries()) {
    const record = await source.get(id);
    if (record) {
      let outcome: 'copied' | 'merged' | 'unchanged' = 'unchanged';
      await target.update(id, (current) => {
        if (!current) {
          outcome = 'copied';
          report.turns += record.turns.length;
          return record;
        }
        const merged = mergeTurns(current, record);
        report.turns += merged.turns.length - current.turns.length;
        if (merged.turns.length > current.turns.length) outcome = 'merged';
        return merged;
      });
      report[outcome]++;
    }
    onProgress?.(n + 1, ids.length);
  }
  for (const [key, value] of channelState) {
    if ((await target.getChannelState(key)) !== undefined) continue;
    await target.setChannelState(key, value);
    report.channelState++;
  }
  logger.info('conversations copied', { ...report });
  return report;
}

/** `current` with the turns of `incoming` it lacks, all in time order (stable: ties keep current's order first). */
function mergeTurns(current: ConversationRecord, incoming: ConversationRecord): ConversationRecord {
  const have = new Set(current.turns.map((t) => t.id));
  const extra = incoming.turns.filter((t) => !have.has(t.id));
  if (extra.length === 0) return current;
  const turns = [...current.turns, ...extra].map((t, i) => ({ t, i })).sort((a, b) => (a.t.at < b.t.at ? -1 : a.t.at > b.t.at ? 1 : a.i - b.i)).map(({ t }) => t);
  const updatedAt = incoming.updatedAt > current.updatedAt ? incoming.updatedAt : current.updatedAt;
  const createdAt = incoming.createdAt < current.createdAt ? incoming.createdAt : current.createdAt;
  return { ...current, createdAt, updatedAt, turns, ...(current.review || !incoming.review ? {} : { review: incoming.review }) };
}

/**
 * Export of the log to the corpus JSONL format for retraining, through the
 * store's interface, one conversation at a time. (Retention and privacy
 * deletion are store operations: `store.deleteOlderThan`, `store.deleteUser`.)
 */
import { writeCorpus } from '../data/corpus-file.ts';
import { actionTurn, redactCall } from '../data/action-text.ts';
import { actionOf, type Dialogue, type Turn } from '../data/dialogue.ts';
import { redactText } from './redact.ts';
import type { ConversationStore, ListFilter } from './types.ts';

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

/**
 * Reads the messages a scorer learns from or is evaluated on: JSONL whose lines
 * are either single messages (`{"text": ..., "intent"?: ...}`, as CLINC150) or
 * dialogues (`{"turns": [{"speaker": "user", "text": ..., "intent"?: ...}]}`),
 * of which the user turns count, with the dialogue's `topics` (SGD names them
 * `services`); either may carry a `kind` ("asks-for-person", "frustrated")
 * when it is not an ordinary message. Unreadable lines are skipped and counted.
 */
import { openCorpusLines } from '../data/corpus-read.ts';
import { normalizeSpeaker, USER_TURN_KINDS, type UserTurnKind } from '../data/dialogue.ts';
import { ColloquyError } from '../errors.ts';

export interface Message {
  text: string;
  intent?: string;
  /** A request for a person or frustration, when the corpus marks the turn so. */
  kind?: UserTurnKind;
  /** What the turn's dialogue is about, when the corpus says. */
  topics?: readonly string[];
}

export interface ReadMessagesOptions {
  /** Lines whose intent is this are left out (CLINC150 marks out-of-scope queries with "oos"). */
  skipIntent?: string;
  /** Keep only lines whose intent is this. */
  onlyIntent?: string;
}

/** The user messages of a JSONL file, in order. Fails naming the file when none is usable. */
export async function readMessages(file: string, { skipIntent, onlyIntent }: ReadMessagesOptions = {}): Promise<{ messages: Message[]; skipped: number }> {
  const messages: Message[] = [];
  let skipped = 0;
  const take = (text: unknown, intent: unknown, kind: unknown, topics?: readonly string[]) => {
    if (typeof text !== 'string' || !text.trim()) return void skipped++;
    const i = typeof intent === 'string' && intent && intent !== 'NONE' ? intent : undefined;
    if (skipIntent !== undefined && i === skipIntent) return;
    if (onlyIntent !== undefined && i !== onlyIntent) return;
    messages.push({ text: text.trim(), ...(i ? { intent: i } : {}), ...(USER_TURN_KINDS.includes(kind as UserTurnKind) ? { kind: kind as UserTurnKind } : {}), ...(topics ? { topics } : {}) });
  };
  for await (const line of await openCorpusLines(file)) {
    if (!line.trim()) continue;
    let row: { text?: unknown; intent?: unknown; kind?: unknown; turns?: unknown; topics?: unknown; services?: unknown };
    try {
      row = JSON.parse(line);
    } catch {
      skipped++;
      continue;
    }
    if (Array.isArray(row?.turns)) {
      const topics = stringList(row.topics) ?? stringList(row.services);
      for (const t of row.turns as { speaker?: unknown; text?: unknown; intent?: unknown; kind?: unknown }[]) if (normalizeSpeaker(t?.speaker) === 'user') take(t.text, t.intent, t.kind, topics);
    } else if (row && typeof row === 'object' && 'text' in row) take(row.text, row.intent, row.kind);
    else skipped++;
  }
  if (!messages.length) throw new ColloquyError('corpus_empty', `No user messages in ${file} (${skipped} unreadable lines)`, 'Lines are {"text": ...} messages or {"turns": [...]} dialogues in JSONL.');
  return { messages, skipped };
}

/** A non-empty list of strings, or undefined. */
function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.length && value.every((v) => typeof v === 'string') ? value : undefined;
}

/**
 * Out-of-scope examples from a file: when some lines are marked `"intent": "oos"`
 * (CLINC150), only those; otherwise every message.
 */
export async function readOutOfScope(file: string): Promise<string[]> {
  const { messages } = await readMessages(file);
  const marked = messages.filter((m) => m.intent === OOS_INTENT);
  return (marked.length ? marked : messages).map((m) => m.text);
}

/** How CLINC150 marks out-of-scope queries; such lines never count as in-domain. */
export const OOS_INTENT = 'oos';

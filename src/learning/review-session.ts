/**
 * The review queue in a terminal: each flagged turn with the conversation
 * around it, answered by one-letter commands read line by line — from a
 * person at a prompt, or from a script on stdin (no prompt then).
 */
import readline from 'node:readline';
import { isColloquyError } from '../errors.ts';
import type { ConversationStore } from '../storage/types.ts';
import { reviewConversation, type ReviewItem, type ReviewTurn } from './review.ts';

/** The commands, as `?` prints them. */
export const REVIEW_KEYS = 'g good · b bad · i ignore · c <reply> write the reply it should have given (or c, then the reply on the next line) · s skip · q quit · ? help';

// C0/C1 controls (escape sequences included) except newline: logged text never drives the terminal
const CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/g;

const clean = (text: string) => text.replace(CONTROL, ' ');

function describeTurn(t: ReviewTurn): string {
  const notes: string[] = [];
  if (t.fallback) notes.push('fallback');
  if (t.factCheck && t.factCheck.verdict !== 'passed') notes.push(`fact check ${t.factCheck.verdict}: ${t.factCheck.unsupported?.join(', ')}`);
  if (typeof t.confidence === 'number') notes.push(`confidence ${t.confidence.toFixed(2)}`);
  if (t.feedback) notes.push(`thumbs-${t.feedback}`);
  return notes.length ? `  (${notes.join(', ')})` : '';
}

/**
 * An item as text: a header (position, conversation, channel, time, reasons)
 * and the turns around the flagged one, which is marked `▶`.
 *
 * @example
 * formatReviewItem(item, 0, 12); // "[1/12] web-42 · web · 2025-01-01 10:05 · fallback\n    user   where is ..."
 */
export function formatReviewItem(item: ReviewItem, index: number, total: number): string {
  const when = item.updatedAt.slice(0, 16).replace('T', ' ');
  const lines = [`[${index + 1}/${total}] ${clean(item.conversationId)} · ${clean(item.channel)} · ${when} · ${item.reasons.join(', ')}  (turn ${clean(item.turnId)})`];
  for (const t of item.turns) {
    const mark = t.id === item.turnId ? '  ▶ ' : '    ';
    const body = clean(t.text).replace(/\n/g, '\n' + ' '.repeat(11));
    lines.push(`${mark}${t.speaker.padEnd(7)}${body}${describeTurn(t)}`);
    if (t.correction !== undefined) lines.push(`${' '.repeat(11)}↳ corrected: ${clean(t.correction)}`);
  }
  return lines.join('\n');
}

/**
 * Options of `runReviewSession`.
 *
 * @example
 * await runReviewSession({ store, items, reviewer: 'ana' });
 */
export interface ReviewSessionOptions {
  store: ConversationStore;
  items: ReviewItem[];
  reviewer?: string;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Prompts and the help line; defaults to whether input is a terminal. */
  interactive?: boolean;
}

/** What a session did. */
export interface ReviewSessionSummary {
  good: number;
  bad: number;
  ignored: number;
  /** Replies corrected (a conversation may get several). */
  corrections: number;
  skipped: number;
  /** Items not reached (quit, or end of input). */
  left: number;
}

/**
 * Walks the items: shows each and reads commands until one decides it. A
 * verdict (good, bad, ignore) settles the whole conversation, so its other
 * items are passed over; a correction settles only its turn. Bad input gets a
 * message and the same item again; end of input ends the session like `q`.
 *
 * @example
 * const summary = await runReviewSession({ store, items: await listReviewItems(store) });
 */
export async function runReviewSession(opts: ReviewSessionOptions): Promise<ReviewSessionSummary> {
  const { store, items, reviewer } = opts;
  const input = opts.input ?? process.stdin;
  const output = opts.output ?? process.stdout;
  const interactive = opts.interactive ?? Boolean((input as NodeJS.ReadStream).isTTY);
  const rl = readline.createInterface({ input, output: interactive ? output : undefined, terminal: interactive });
  rl.on('SIGINT', () => rl.close()); // Ctrl-C at the prompt ends the session like q
  const lines = rl[Symbol.asyncIterator]();
  const write = (s: string) => void output.write(s + '\n');
  const ask = async (prompt: string): Promise<string | undefined> => {
    if (interactive) {
      rl.setPrompt(prompt);
      rl.prompt();
    }
    const next = await lines.next();
    return next.done ? undefined : next.value;
  };
  const summary: ReviewSessionSummary = { good: 0, bad: 0, ignored: 0, corrections: 0, skipped: 0, left: 0 };
  const settled = new Set<string>();
  if (interactive) write(REVIEW_KEYS);
  try {
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (settled.has(item.conversationId)) continue;
      write('\n' + formatReviewItem(item, i, items.length));
      let done = false;
      while (!done) {
        const line = await ask('review> ');
        if (line === undefined || /^\s*(q|quit)\s*$/i.test(line)) {
          summary.left = items.slice(i).filter((x) => !settled.has(x.conversationId)).length;
          return summary;
        }
        const [, word = '', rest = ''] = /^\s*(\S*)\s*([\s\S]*)$/.exec(line) ?? [];
        const key = word.toLowerCase();
        try {
          if (key === 'g' || key === 'good' || key === 'b' || key === 'bad' || key === 'i' || key === 'ignore') {
            const status = key[0] === 'g' ? 'good' : key[0] === 'b' ? 'bad' : 'ignore';
            await reviewConversation(store, item.conversationId, { status }, reviewer);
            summary[status === 'ignore' ? 'ignored' : status]++;
            settled.add(item.conversationId);
            write(`→ marked ${status}`);
            done = true;
          } else if (key === 'c' || key === 'correct') {
            if (!item.correctable) {
              write('! This turn is not a bot reply: mark the conversation good, bad or ignore, or skip it.');
              continue;
            }
            const text = rest.trim() ? rest : await ask('reply> ');
            if (text === undefined) continue; // end of input: the loop's next read ends the session
            await reviewConversation(store, item.conversationId, { correct: [{ turnId: item.turnId, text }] }, reviewer);
            summary.corrections++;
            write('→ saved the correction');
            done = true;
          } else if (key === 's' || key === 'skip' || key === '') {
            summary.skipped++;
            write('→ skipped');
            done = true;
          } else if (key === '?' || key === 'h' || key === 'help') {
            write(REVIEW_KEYS);
          } else {
            write(`! Unknown command "${clean(word).slice(0, 40)}". ${REVIEW_KEYS}`);
          }
        } catch (err) {
          if (!isColloquyError(err)) throw err;
          write(`! ${err.message}${err.hint ? ` — ${err.hint}` : ''}`);
        }
      }
    }
    return summary;
  } finally {
    rl.close();
  }
}

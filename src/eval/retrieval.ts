/**
 * A retrieval baseline for evaluation: answer with the bot turn that followed
 * the training user turn most similar (TF-IDF cosine) to the last user turn of
 * the context. Generated replies should beat it to be worth their cost.
 */
import type { Dialogue, Turn } from '../data/dialogue.ts';
import { ReplyIndex } from '../retrieval/reply-index.ts';

/**
 * Something that replies to a conversation so far.
 *
 * @example
 * const text = baseline.reply([{ speaker: 'user', text: 'Can I get a refund?' }]);
 */
export interface RetrievalBaseline {
  /** The retrieved reply for a context (the turns so far, oldest first). */
  reply(context: Turn[]): string;
}

/**
 * Builds the baseline from training dialogues: every user turn immediately
 * followed by a bot-side turn is indexed by its words alone (a
 * {@link ReplyIndex} without earlier turns or skipped terms). A context with
 * no known words gets the first training reply.
 *
 * @example
 * const baseline = createRetrievalBaseline(trainDialogues);
 * baseline.reply([{ speaker: 'user', text: 'Where is my parcel?' }]); // the bot turn after the closest match
 */
export function createRetrievalBaseline(trainDialogues: Dialogue[]): RetrievalBaseline {
  const index = ReplyIndex.build(trainDialogues, { contextWeight: 0, commonTermShare: 1 });
  const first = index.replies[0].reply;
  return {
    reply(context: Turn[]): string {
      const last = [...context].reverse().find((t) => t.speaker === 'user');
      return (last && index.search([last.text])[0]) ?? first;
    },
  };
}

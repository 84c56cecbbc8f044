/**
 * A TF-IDF index of training replies by what preceded them. Given the last
 * user turn (and, weighted lower, the bot turn and the user turn before it)
 * it finds the most similar contexts in the training dialogues and returns
 * the replies that followed. The retrieval baseline answers with the first;
 * consensus decoding (src/generation/consensus.ts) prefers the candidate
 * reply that agrees with them.
 */
import { ColloquyError } from '../errors.ts';
import { isBotSide, type Dialogue, type Turn } from '../data/dialogue.ts';
import { scoreTokens } from '../eval/metrics.ts';
import { TfidfIndex } from './tfidf.ts';

/** How contexts are compared. */
export interface ReplyIndexOptions {
  /** Weight of the two turns before the user's (the bot's last words, the user's before); 0 compares the user turn alone. */
  contextWeight: number;
  /** Terms found in more than this share of indexed contexts are skipped when searching: they barely change the ranking and cost most of the time. */
  commonTermShare: number;
}

/** Measured on SGD dev (the nearest reply as the answer): BLEU-4 9.67 vs 7.74 for the user turn alone, about 1 ms a search over 112k replies. */
export const DEFAULT_REPLY_INDEX: ReplyIndexOptions = { contextWeight: 0.5, commonTermShare: 0.2 };

/** A reply and the turns before it, newest first: [user turn, bot turn before, user turn before that] (as many as there were). */
export interface IndexedReply {
  context: string[];
  reply: string;
}

const FORMAT = 'colloquy-replies';
const VERSION = 1;

/** Prefixes that keep a word in the user turn apart from the same word said earlier. */
const POSITION_PREFIX = ['', 'b:', 'u:'];

/** Weighted term counts of a context (newest turn first). */
function contextTerms(context: readonly string[], contextWeight: number): Map<string, number> {
  const terms = new Map<string, number>();
  context.slice(0, POSITION_PREFIX.length).forEach((text, k) => {
    const weight = k === 0 ? 1 : contextWeight;
    if (weight <= 0) return;
    for (const word of scoreTokens(text)) {
      const term = POSITION_PREFIX[k] + word;
      terms.set(term, (terms.get(term) ?? 0) + weight);
    }
  });
  return terms;
}

/**
 * The context before turn `i` of a dialogue (newest turn first) when the bot
 * would answer there: turn i-1 is the user's (or an action's, run on the
 * user's message) and turn i, if any, the bot side's.
 */
export function contextBefore(turns: readonly Turn[], i: number): string[] | undefined {
  if (i < 1 || i > turns.length || (turns[i - 1].speaker !== 'user' && turns[i - 1].speaker !== 'action') || (i < turns.length && !isBotSide(turns[i].speaker))) return undefined;
  return turns.slice(Math.max(0, i - POSITION_PREFIX.length), i).map((t) => t.text).reverse();
}

/**
 * The training contexts in a TF-IDF index (src/retrieval/tfidf.ts), searched
 * by cosine similarity. Ties go to the earliest indexed reply.
 *
 * @example
 * const index = ReplyIndex.build(trainDialogues);
 * index.search(['Where is my parcel?'], 5); // the replies after the 5 closest training contexts
 */
export class ReplyIndex {
  private readonly tfidf: TfidfIndex;
  private readonly maxDocFrequency: number;

  private constructor(
    readonly replies: readonly IndexedReply[],
    readonly options: ReplyIndexOptions,
  ) {
    if (replies.length === 0) {
      throw new ColloquyError('retrieval_empty', 'Retrieval needs at least one user turn followed by a bot turn', 'Check the training corpus has both speakers.');
    }
    this.tfidf = new TfidfIndex(replies.map((r) => contextTerms(r.context, options.contextWeight)));
    this.maxDocFrequency = options.commonTermShare * replies.length;
  }
  /** Indexes every non-empty bot-side turn of the dialogues that answers a user turn. */
  static build(dialogues: readonly Dialogue[], options: ReplyIndexOptions = DEFAULT_REPLY_INDEX): ReplyIndex {
    const replies: IndexedReply[] = [];
    for (const d of dialogues) {
      for (let i = 1; i < d.turns.length; i++) {
        const context = contextBefore(d.turns, i);
        if (context && d.turns[i].text.trim()) replies.push({ context, reply: d.turns[i].text });
      }
    }
    return new ReplyIndex(replies, options);
  }

  /** Rebuilds an index from {@link ReplyIndex.toJSON} output; throws `retrieval_invalid` on malformed input. */
  static fromJSON(json: unknown): ReplyIndex {
    const fail = (why: string): never => {
      throw new ColloquyError('retrieval_invalid', `Invalid reply index: ${why}`);
    };
    const obj = (json ?? {}) as Record<string, unknown>;
    if (obj.format !== FORMAT || obj.version !== VERSION) fail(`expected format "${FORMAT}" version ${VERSION}`);
    const share = (v: unknown, max: number) => (typeof v === 'number' && v >= 0 && v <= max ? v : fail('contextWeight must be in [0, 10] and commonTermShare in [0, 1]'));
    const options = { contextWeight: share(obj.contextWeight, 10), commonTermShare: share(obj.commonTermShare, 1) };
    const entries = obj.replies;
    const valid = Array.isArray(entries) && entries.every((e) => Array.isArray(e) && e.length >= 2 && e.length <= 1 + POSITION_PREFIX.length && e.every((s) => typeof s === 'string'));
    if (!valid) fail('replies must be [[reply, user turn, earlier turns…], …]');
    return new ReplyIndex((entries as string[][]).map(([reply, ...context]) => ({ reply, context })), options);
  }

  /** Compact JSON: the options, then each reply followed by its context (newest turn first). */
  toJSON(): object {
    return { format: FORMAT, version: VERSION, ...this.options, replies: this.replies.map((r) => [r.reply, ...r.context]) };
  }

  /**
   * The replies after the `k` indexed contexts most similar to `context`
   * (newest turn first), best first; empty when no word matches.
   */
  search(context: readonly string[], k = 1): string[] {
    // The query's norm scales every score equally, so it does not change the order.
    return this.tfidf.top(contextTerms(context, this.options.contextWeight), k, this.maxDocFrequency).map(({ docId }) => this.replies[docId].reply);
  }
}

/**
 * Constrained decoding: a greedy or sampled reply that a constraint reads as
 * it is written. When the constraint finds the reply going wrong (the fact
 * check's `violationAt`: a number or name the conversation does not hold, a
 * status the lookup did not return), one of the tokens it points at must
 * change: the one the model was least sure of (its runner-up closest to it)
 * is banned at that point and the reply is written again from there — the
 * model's next choice, not a reply sampled afresh. Given a draft (a reply
 * written before, which failed), the decoder follows it while the constraint
 * lets it: the rewrite keeps what the draft said before it first went wrong.
 * Not streamed: the text is final only at the end.
 */
import { disposeState } from '../model/lstm.ts';
import { createRng } from '../util/random.ts';
import type { StreamDecoder } from '../tokenizer/stream-decoder.ts';
import type { DecoderState } from './decoder.ts';
import { readPrompt } from './prefix-cache.ts';
import { chooseToken, logProbOf, type SearchContext, type SearchResult } from './search.ts';

/**
 * Reads a reply as it is written: the characters of `text` one of which must
 * change (`from` at the end of the text: the reply may not end there), or
 * undefined while it may still pass. `finished`: the reply ends here.
 */
export type ReplyConstraint = (text: string, finished: boolean) => { from: number; to: number } | undefined;

/** Rewrites a reply may take; after them the constraint stops reading and the reply ends as the model writes it. */
export const MAX_REWRITES = 16;

/** A reply in progress: its tokens, their log-probabilities, its text and where each token's text ends. */
interface Draft {
  ids: number[];
  logProbs: number[];
  /** How far each token's logit stood above the best other token allowed there: how sure the model was. */
  margins: number[];
  text: string;
  ends: number[];
}

/**
 * Greedy or sampled decoding (as `ctx.opts` says) under `constraint`: at most
 * {@link MAX_REWRITES} times, the reply is taken back to the token the
 * constraint's violation points at and written on with that token banned.
 * `newStream` makes the tokenizer's stream decoder that turns tokens into the
 * text the constraint reads. `draft`: token ids to take wherever the reply so
 * far is the draft's start and the token is not banned there.
 */
export async function decodeConstrained(ctx: SearchContext, prompt: number[], constraint: ReplyConstraint, newStream: () => StreamDecoder, draft?: readonly number[]): Promise<SearchResult> {
  const { decoder, opts, cache = null } = ctx;
  const rng = createRng(opts.seed);
  const read = readPrompt(decoder, prompt, cache);
  // the state after the prompt, kept to write again from
  const origin: DecoderState = decoder.rowStates(read.state, [0])[0];
  const originLogits = read.logits;
  let state = read.state;
  let logits = read.logits;
  let stream = newStream();
  const reply: Draft = { ids: [], logProbs: [], margins: [], text: '', ends: [] };
  /** Tokens banned at a position, for the reply's present tokens before it. */
  const bans = new Map<number, Set<number>>();
  let rewrites = 0;
  /** How many leading tokens the reply shares with the draft. */
  let onDraft = 0;

  /**
   * Bans the token of the violation the model was least sure of at its
   * position (the end of turn, when the violation starts past the text) and
   * writes the reply again from there. False when nothing was taken back
   * (only the end of turn is banned).
   */
  const rewind = ({ from, to }: { from: number; to: number }): boolean => {
    rewrites++;
    const tokenAt = (offset: number) => {
      const i = reply.ends.findIndex((end) => end > offset);
      return i < 0 ? reply.ids.length : i;
    };
    let at = tokenAt(from);
    for (let i = at + 1; i <= Math.min(tokenAt(to - 1), reply.ids.length - 1); i++) if (reply.margins[i] < reply.margins[at]) at = i;
    for (const position of bans.keys()) if (position > at) bans.delete(position);
    bans.set(at, (bans.get(at) ?? new Set()).add(at < reply.ids.length ? reply.ids[at] : ctx.eot));
    if (at === reply.ids.length) return false;
    reply.ids.length = at;
    onDraft = Math.min(onDraft, at);
    reply.logProbs.length = at;
    reply.margins.length = at;
    reply.ends.length = at;
    reply.text = reply.text.slice(0, reply.ends[at - 1] ?? 0);
    stream = newStream();
    for (const id of reply.ids) stream.push(id);
    disposeState(state);
    state = decoder.rowStates(origin, [0])[0];
    if (at === 0) logits = originLogits;
    else {
      const r = decoder.prefillChunk([{ tokens: reply.ids.slice(), fresh: false }], state, [0]);
      state = r.state;
      logits = r.logits[0];
    }
    return true;
  };

  const finish = (truncated: boolean): SearchResult => {
    if (cache) cache.put([...prompt, ...reply.ids], state);
    else disposeState(state);
    state = [];
    return { ids: reply.ids, logProbs: reply.logProbs, truncated };
  };
  const reads = () => rewrites < MAX_REWRITES;
  try {
    while (reply.ids.length < opts.maxTokens) {
      const at = reply.ids.length;
      const banned = [...ctx.banned, ...(bans.get(at) ?? [])];
      const drafted = draft && onDraft === at && at <= draft.length ? (draft[at] ?? ctx.eot) : undefined;
      const { id, logProb } = drafted !== undefined && !banned.includes(drafted) ? { id: drafted, logProb: logProbOf(logits, drafted) } : chooseToken({ ...ctx, banned }, logits, reply.ids, rng);
      if (id === ctx.eot) {
        const violation = reads() ? constraint(reply.text, true) : undefined;
        if (violation === undefined) {
          reply.logProbs.push(logProb);
          return finish(false);
        }
        rewind(violation);
        continue;
      }
      if (id === drafted) onDraft++;
      reply.ids.push(id);
      reply.logProbs.push(logProb);
      reply.margins.push(marginOf(logits, id, banned));
      reply.text += stream.push(id);
      reply.ends.push(reply.text.length);
      const violation = reads() ? constraint(reply.text, false) : undefined;
      if (violation !== undefined && rewind(violation)) continue;
      const r = decoder.step([id], state);
      state = r.state;
      logits = r.logits[0];
      await new Promise((resolve) => setImmediate(resolve));
    }
    return finish(true);
  } finally {
    disposeState(state);
    disposeState(origin);
  }
}

/** How far `id`'s logit stands above the best other token not banned. */
function marginOf(logits: Float32Array, id: number, banned: readonly number[]): number {
  let other = -Infinity;
  for (let i = 0; i < logits.length; i++) if (i !== id && logits[i] > other && !banned.includes(i)) other = logits[i];
  return logits[id] - other;
}

import { ColloquyError } from '../errors.ts';
import type { Turn } from '../data/dialogue.ts';
import { encodePrompt } from '../model/encode.ts';
import type { LoadedModel } from '../model/model-dir.ts';
import { BatchScheduler } from './batch-scheduler.ts';
import { StepDecoder } from './decoder.ts';
import { PrefixCache, type PrefixCacheStats } from './prefix-cache.ts';
import { resolveGenerateOptions, type GenerateOptions } from './options.ts';
import { createReplyStream, type ReplyStream } from './reply-stream.ts';
import { decodeBeam, decodeSequential, type SearchContext, type SearchResult } from './search.ts';
import { decodeConsensus, factWorth } from './consensus.ts';
import { decodeConstrained, type ReplyConstraint } from './constrained.ts';
import { contextBefore } from '../retrieval/reply-index.ts';
import type { Understanding } from '../engine/understanding.ts';
import type { ClaimIndex } from '../facts/claims.ts';
import { valueStates } from '../facts/held-facts.ts';
import type { SelectedFact } from '../facts/selection.ts';
import type { SlotValues, Tokenizer } from '../tokenizer/index.ts';

/** A finished reply. */
export interface Reply {
  text: string;
  /** Tokens generated (without the end-of-turn). */
  tokens: number;
  /** Mean log-probability of the chosen tokens, end-of-turn included: the confidence. */
  meanLogProb: number;
  modelVersion: string;
  /** True when the reply was cut at maxTokens. */
  truncated: boolean;
  /** Consensus decoding's other candidates, best first: what the fact check tries before writing a new reply. */
  alternatives?: Array<Pick<Reply, 'text' | 'meanLogProb'>>;
}

/** What the engine needs from a reply generator. */
export interface Generator {
  readonly modelVersion: string;
  reply(context: Turn[], opts?: Partial<GenerateOptions>, control?: ReplyControl): ReplyStream<Reply>;
  /** The model's out-of-scope scorer reading a user message; absent, or undefined, when the model has none. */
  understand?(text: string): Understanding | undefined;
  /** The phrases the model's corpus uses for each value of an action's fields, which the fact check reads replies with; absent when the model has none. */
  readonly claims?: ClaimIndex;
}

/** How an LstmGenerator runs, beyond the decoding defaults. */
export interface LstmGeneratorOptions {
  /**
   * Decode concurrent greedy/sampled replies together, one step for all of
   * them (src/generation/batch-scheduler.ts): about twice the replies per
   * second with 50 conversations in flight (`npm run bench`), the same replies. Beam search and consensus always run on their own.
   * Default false; `colloquy serve` and `chat` turn it on.
   */
  batching?: boolean;
  /**
   * How many finished replies' decoder states to keep so that a
   * conversation's next reply reads only its new turn, not the whole history
   * again (src/generation/prefix-cache.ts); the same replies either way.
   * Default 256; 0 turns it off.
   */
  prefixCache?: number;
}

/** Per-call controls of a reply. */
export interface ReplyControl {
  /** Aborting it stops the reply between tokens; `result` rejects with `colloquy_reply_cancelled`. */
  signal?: AbortSignal;
  /**
   * Reads a greedy or sampled reply as it is written and has it written again
   * from where it goes wrong (src/generation/constrained.ts); such a reply
   * streams whole at the end. The fact check's replacement candidates use it.
   */
  constraint?: ReplyConstraint;
  /** With a constraint: a reply written before that failed it, followed while the constraint lets it (the rewrite keeps what it said before going wrong). */
  draft?: string;
}

/** A held fact's chance (the model's fact selection) from which consensus steers its samples toward it. */
const LIKELY = 0.5;

/**
 * The tokens that start writing each fact the reply likely states (by the
 * model's fact selection): the slot tokens whose values state it, or, for a
 * name no slot token writes (a field the corpus's replies seldom state, a
 * name the user gave), its first token, after which the copy mechanism
 * carries on. What consensus steers its samples toward. On 600 SGD
 * validation turns, steering toward names too lifts inform recall after the
 * check from 74.8 to 75.7 %.
 */
function likelyFactTokens(selected: readonly SelectedFact[], tok: Tokenizer, slots: SlotValues | undefined): number[][] {
  return selected.flatMap(({ fact, chance }) => {
    if (chance < LIKELY) return [];
    const ids = [...(slots ?? [])].flatMap(([field, value]) => {
      const id = tok.slotId(field);
      return id !== undefined && valueStates(value, fact) ? [id] : [];
    });
    if (ids.length === 0 && fact.kind === 'name') ids.push(...tok.encode(fact.text).slice(0, 1));
    return ids.length ? [ids] : [];
  });
}

/** Retrieved replies consensus decoding weighs candidates against (5 and 10 scored alike on SGD). */
const RETRIEVED_REPLIES = 5;

/** Finished replies whose states an LstmGenerator keeps by default (a few MB at most). */
export const DEFAULT_PREFIX_CACHE = 256;

/** Longest user message the generator reads; longer text is cut to its end by the context budget anyway. */
export const MAX_INPUT_CHARS = 100_000;

/**
 * The LSTM reply generator over a loaded model.
 *
 * @example
 * const gen = new LstmGenerator(await loadModel('models/default'));
 * const stream = gen.reply([{ speaker: 'user', text: 'Where is my order?' }]);
 * for await (const piece of stream) process.stdout.write(piece);
 * const { confidence } = await stream.result;
 */
export class LstmGenerator implements Generator {
  private readonly decoder: StepDecoder;
  private readonly defaults: Partial<GenerateOptions>;
  private readonly scheduler: BatchScheduler | null;
  private readonly cache: PrefixCache | null;

  constructor(readonly model: LoadedModel, defaults: Partial<GenerateOptions> = {}, { batching = false, prefixCache = DEFAULT_PREFIX_CACHE }: LstmGeneratorOptions = {}) {
    this.decoder = new StepDecoder(model.params);
    this.defaults = defaults;
    this.cache = prefixCache > 0 ? new PrefixCache(this.decoder, prefixCache) : null;
    this.scheduler = batching ? new BatchScheduler(this.decoder, { cache: this.cache }) : null;
  }

  /** True when concurrent replies share decoding steps. */
  get batching(): boolean {
    return this.scheduler != null;
  }

  get modelVersion(): string {
    return this.model.manifest.version;
  }

  get claims(): ClaimIndex | undefined {
    return this.model.claims;
  }

  /** The model's scorer reading a user message (undefined when the model directory has no scorer). */
  understand(text: string): Understanding | undefined {
    return this.model.scorer?.understand(text);
  }

  reply(context: Turn[], opts: Partial<GenerateOptions> = {}, { signal, constraint, draft }: ReplyControl = {}): ReplyStream<Reply> {
    return createReplyStream(async (emit) => {
      const o = resolveGenerateOptions({ ...this.defaults, ...opts });
      const last = context[context.length - 1];
      if (!last || !last.text.trim()) throw new ColloquyError('prompt_empty', 'There is nothing to reply to: the message is empty');
      const history = context.map((t) => (t.text.length > MAX_INPUT_CHARS ? { ...t, text: t.text.slice(-MAX_INPUT_CHARS) } : t));
      const tok = this.model.tokenizer;
      // slot tokens write the newest action's values; a field it did not answer cannot be written
      const { ids: prompt, slots } = encodePrompt(tok, history, o.contextTokens);
      const unanswered = tok.slotFields.filter((field) => !slots!.has(field)).map((field) => tok.slotId(field)!);
      const ctx: SearchContext = { decoder: this.decoder, cache: this.cache, eot: tok.eot, banned: [tok.pad, tok.dlg, tok.user, tok.bot, ...(tok.act !== undefined ? [tok.act] : []), ...unanswered], opts: o };
      const stream = tok.createStreamDecoder(slots);
      const onToken = (id: number) => {
        if (signal?.aborted) throw new ColloquyError('reply_cancelled', 'The reply was cancelled before it finished');
        emit(stream.push(id));
      };
      const streams = (o.strategy === 'greedy' || o.strategy === 'sample') && !constraint;
      const [r, ...others] =
        o.strategy === 'beam'
          ? [await decodeBeam(ctx, prompt)]
          : constraint && o.strategy !== 'consensus'
            ? [await decodeConstrained(ctx, prompt, constraint, () => tok.createStreamDecoder(slots), draft === undefined ? undefined : tok.encode(draft, slots))]
          : o.strategy === 'consensus'
            ? await this.consensus(ctx, prompt, history, slots)
            : [
                this.scheduler
                  ? await this.scheduler.decode({ prompt, rules: { eot: ctx.eot, banned: ctx.banned, opts: o }, onToken, signal })
                  : await decodeSequential(ctx, prompt, onToken),
              ];
      emit(streams ? stream.flush() : tok.decode(r.ids, slots));
      const reply = { text: tok.decode(r.ids, slots).trim(), tokens: r.ids.length, meanLogProb: meanLogProb(r.logProbs), modelVersion: this.modelVersion, truncated: r.truncated };
      return others.length ? { ...reply, alternatives: others.map((a) => ({ text: tok.decode(a.ids, slots).trim(), meanLogProb: meanLogProb(a.logProbs) })) } : reply;
    });
  }

  /** Consensus decoding's candidates, best first, weighed and steered by the facts the conversation holds. */
  private async consensus(ctx: SearchContext, prompt: number[], history: Turn[], slots: SlotValues | undefined): Promise<SearchResult[]> {
    const selected = this.model.selection?.select(history) ?? [];
    return decodeConsensus(ctx, prompt, {
      evidence: await this.retrievedReplies(history),
      toText: (ids) => this.model.tokenizer.decode(ids, slots),
      worth: factWorth(history, selected),
      likelyFacts: likelyFactTokens(selected, this.model.tokenizer, slots),
    });
  }

  /** Replies that followed the conversations in the model's training data most like this one (none without a reply index). */
  private async retrievedReplies(history: Turn[]): Promise<string[]> {
    const context = contextBefore(history, history.length);
    const index = context ? await this.model.replies?.() : undefined;
    return context && index ? index.search(context, RETRIEVED_REPLIES) : [];
  }

  /** Steps the batch scheduler has run and their mean batch size (zeros without batching). */
  batchStats(): { steps: number; meanBatch: number } {
    return this.scheduler?.stats() ?? { steps: 0, meanBatch: 0 };
  }

  /** Prefix-cache hits and misses (null when the cache is off). */
  cacheStats(): PrefixCacheStats | null {
    return this.cache?.stats() ?? null;
  }

  /** Frees the decoder's tensors (not the model's); replies still running are rejected. */
  dispose(): void {
    this.scheduler?.close();
    this.cache?.clear();
    this.decoder.dispose();
  }
}

/** The mean log-probability of a reply's tokens: its confidence (-Infinity for none). */
function meanLogProb(logProbs: number[]): number {
  return logProbs.length ? logProbs.reduce((a, b) => a + b, 0) / logProbs.length : -Infinity;
}

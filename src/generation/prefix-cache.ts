import type { DecoderState, StepDecoder } from './decoder.ts';

/** A cached state: what was read to reach it. */
interface Entry {
  tokens: number[];
  state: DecoderState;
}

/** Hit counts since the cache was made. */
export interface PrefixCacheStats {
  hits: number;
  misses: number;
  /** Prompt tokens that did not have to be read again. */
  tokensSkipped: number;
  entries: number;
}

/** 32-bit FNV-1a step over a token id. */
function mix(hash: number, id: number): number {
  return Math.imul(hash ^ id, 16777619) >>> 0;
}
const FNV_OFFSET = 2166136261;

function hashOf(tokens: number[]): number {
  let h = FNV_OFFSET;
  for (const id of tokens) h = mix(h, id);
  return h;
}

/**
 * Decoder states of finished replies, keyed by everything the model read to
 * reach them (the prompt and the reply's tokens). A conversation's next
 * prompt starts with that same sequence, so the next reply reads only what
 * is new — the end of the bot's turn and the user's new message — instead of
 * the whole history again. Keyed by content, not by conversation: a history
 * that changed (a fallback text in place of the reply, a cut to the context
 * budget) simply misses and is read in full, so a hit gives the reply a
 * plain read would.
 *
 * `take` removes the entry (the decoder consumes states); least recently
 * stored entries are freed first beyond `capacity`.
 */
export class PrefixCache {
  private readonly entries = new Map<number, Entry>();
  private counters = { hits: 0, misses: 0, tokensSkipped: 0 };

  constructor(
    private readonly decoder: StepDecoder,
    readonly capacity: number,
  ) {}

  /**
   * The state after the longest cached prefix of `prompt` shorter than the
   * prompt (the last prompt token is always read, for its logits), or null.
   */
  take(prompt: number[]): { state: DecoderState; length: number } | null {
    let best: { key: number; length: number } | null = null;
    let h = FNV_OFFSET;
    for (let n = 1; n < prompt.length; n++) {
      h = mix(h, prompt[n - 1]);
      const e = this.entries.get(h);
      if (e && e.tokens.length === n && e.tokens.every((id, i) => id === prompt[i])) best = { key: h, length: n };
    }
    if (!best) {
      this.counters.misses++;
      return null;
    }
    const entry = this.entries.get(best.key)!;
    this.entries.delete(best.key);
    this.counters.hits++;
    this.counters.tokensSkipped += best.length;
    return { state: entry.state, length: best.length };
  }

  /** Keeps `state` (one sequence, now owned by the cache) as the state after reading `tokens`. */
  put(tokens: number[], state: DecoderState): void {
    if (this.capacity <= 0 || tokens.length === 0) {
      this.decoder.disposeState(state);
      return;
    }
    const key = hashOf(tokens);
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.decoder.disposeState(old.state);
    }
    this.entries.set(key, { tokens, state });
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(k);
      this.decoder.disposeState(e.state);
    }
  }

  stats(): PrefixCacheStats {
    return { ...this.counters, entries: this.entries.size };
  }

  /** Frees every cached state. */
  clear(): void {
    for (const e of this.entries.values()) this.decoder.disposeState(e.state);
    this.entries.clear();
  }
}

/**
 * Reads a prompt from the longest cached prefix of it (or from the start on
 * a miss): the state after it and the logits for the token that follows.
 */
export function readPrompt(decoder: StepDecoder, prompt: number[], cache: PrefixCache | null): { state: DecoderState; logits: Float32Array } {
  const hit = cache?.take(prompt);
  if (!hit) return decoder.prefill(prompt);
  try {
    const r = decoder.prefillChunk([{ tokens: prompt.slice(hit.length), fresh: false }], hit.state, [0]);
    return { state: r.state, logits: r.logits[0] };
  } catch (error) {
    decoder.disposeState(hit.state); // prefillChunk frees its input only on success
    throw error;
  }
}

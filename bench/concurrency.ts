/**
 * Many conversations at once through LstmGenerator, as a closed-loop load
 * test: `concurrency` clients each take the next conversation from a shared
 * queue and send its user turns one after another (the bot's reply joins the
 * history, as the engine does), so about `concurrency` conversations are
 * always in flight. One client (one conversation at a time) is the baseline.
 * Latency is per reply, from `reply()` to its result.
 */
import type { Turn } from '../src/data/dialogue.ts';
import type { LstmGenerator } from '../src/generation/generator.ts';
import { percentile } from './lib/stats.ts';

export interface ConversationRun {
  repliesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Every reply's text, conversation by conversation, turn by turn. */
  texts: string[];
  tokens: number;
}

async function converse(generator: LstmGenerator, userTurns: string[], latencies: number[]): Promise<{ texts: string[]; tokens: number }> {
  const history: Turn[] = [];
  const texts: string[] = [];
  let tokens = 0;
  for (const text of userTurns) {
    history.push({ speaker: 'user', text });
    const t0 = performance.now();
    const r = await generator.reply(history).result;
    latencies.push(performance.now() - t0);
    history.push({ speaker: 'bot', text: r.text });
    texts.push(r.text);
    tokens += r.tokens;
  }
  return { texts, tokens };
}

/** Runs the queue of conversations with `concurrency` clients and reports throughput and latency. */
export async function runConversations(generator: LstmGenerator, conversations: string[][], concurrency: number): Promise<ConversationRun> {
  const latencies: number[] = [];
  const results: Array<{ texts: string[]; tokens: number }> = new Array(conversations.length);
  let next = 0;
  const client = async () => {
    while (next < conversations.length) {
      const i = next++;
      results[i] = await converse(generator, conversations[i], latencies);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, conversations.length) }, client));
  const seconds = (performance.now() - t0) / 1000;
  return {
    repliesPerSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    texts: results.flatMap((r) => r.texts),
    tokens: results.reduce((n, r) => n + r.tokens, 0),
  };
}

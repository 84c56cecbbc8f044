/**
 * The prefix cache (issue 7): a conversation's next reply continues from the
 * decoder state its previous reply left, reading only the new turn — and
 * gives exactly the replies a full re-read gives, one at a time and batched,
 * for plain and copy models. A history that changed misses and is read whole.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Turn } from '../../src/data/dialogue.ts';
import { LstmGenerator, type Reply } from '../../src/generation/generator.ts';
import type { GenerateOptions } from '../../src/generation/options.ts';
import { StepDecoder } from '../../src/generation/decoder.ts';
import { encodeContext } from '../../src/model/encode.ts';
import { loadModel, type LoadedModel } from '../../src/model/model-dir.ts';
import { QA, tempDir, trainTinyModel, user } from '../helpers/tiny.ts';

let root: string;
const models: Record<'plain' | 'copy', LoadedModel> = {} as never;

/** Conversations of three user turns each, mixing the questions the model knows with noise. */
const CONVERSATIONS = QA.map((x, i) => [x.q, QA[(i + 2) % QA.length].q, i % 2 ? 'thanks, and my order number is 4417' : 'ok']);

beforeAll(async () => {
  root = await tempDir('prefix-cache');
  // Few epochs: an unsure model, so replies vary in length and some run to their cap.
  await trainTinyModel(path.join(root, 'plain'), 'wasm', { training: { epochs: 6 } });
  await trainTinyModel(path.join(root, 'copy'), 'wasm', { training: { epochs: 6 }, model: { copy: { window: 24, keyDim: 8 } } });
  models.plain = await loadModel(path.join(root, 'plain'));
  models.copy = await loadModel(path.join(root, 'copy'));
}, 600_000);

afterAll(async () => {
  models.plain?.dispose();
  models.copy?.dispose();
  await fs.rm(root, { recursive: true, force: true });
});

const optionsFor = (i: number): Partial<GenerateOptions> => (i % 2 ? { strategy: 'sample', seed: 7 + i, temperature: 1.2 } : { maxTokens: [40, 6][i % 4 === 0 ? 0 : 1] });

/** Runs a conversation: each user turn, then the bot's reply joins the history (as the engine does). */
async function converse(g: LstmGenerator, turns: string[], opts: Partial<GenerateOptions>): Promise<Reply[]> {
  const history: Turn[] = [];
  const replies: Reply[] = [];
  for (const text of turns) {
    history.push(user(text));
    const r = await g.reply(history, opts).result;
    replies.push(r);
    history.push({ speaker: 'bot', text: r.text });
  }
  return replies;
}

const summary = (replies: Reply[][]) => replies.map((c) => c.map((r) => [r.text, r.tokens, r.truncated, Math.round(r.meanLogProb * 1e3)]));

describe('prefix cache', () => {
  for (const kind of ['plain', 'copy'] as const) {
    for (const batching of [false, true]) {
      it(`${kind} model, ${batching ? 'batched' : 'one at a time'}: the same replies as reading every history in full, with later turns read from the cache`, async () => {
        const model = models[kind];
        const uncached = new LstmGenerator(model, {}, { batching, prefixCache: 0 });
        const cached = new LstmGenerator(model, {}, { batching });
        try {
          const run = (g: LstmGenerator) => Promise.all(CONVERSATIONS.map((turns, i) => converse(g, turns, optionsFor(i))));
          const expected = await run(uncached);
          const got = await run(cached);
          expect(summary(got)).toEqual(summary(expected));
          expect(uncached.cacheStats()).toBeNull();
          // Every conversation's first turn misses; later turns continue from the cache when the reply re-encodes as generated.
          const stats = cached.cacheStats()!;
          expect(stats.misses).toBeGreaterThanOrEqual(CONVERSATIONS.length);
          expect(stats.hits).toBeGreaterThanOrEqual(CONVERSATIONS.length);
          expect(stats.tokensSkipped).toBeGreaterThan(5 * stats.hits);
        } finally {
          uncached.dispose();
          cached.dispose();
        }
      }, 120_000);
    }
  }

  for (const kind of ['plain', 'copy'] as const) {
    it(`${kind} model: prompts continuing from their own states, read together in one pass (shorter ones held still), end as each read alone`, () => {
      const model = models[kind];
      const tok = model.tokenizer;
      const decoder = new StepDecoder(model.params);
      try {
        const starts = QA.slice(0, 3).map((x) => encodeContext(tok, [user(x.q)], 256));
        const rest = ['ok', 'and where is my order, number 4417?', 'thanks'].map((t) => [...tok.encode(t), tok.eot]);
        const alone = starts.map((start, i) => {
          const r = decoder.prefillChunk([{ tokens: rest[i], fresh: false }], decoder.prefill(start).state, [0]);
          decoder.disposeState(r.state);
          return r.logits[0];
        });
        const states = decoder.concatStates(starts.map((start) => decoder.prefill(start).state));
        const together = decoder.prefillChunk(rest.map((tokens) => ({ tokens, fresh: false })), states, [0, 1, 2]);
        decoder.disposeState(together.state);
        together.logits.forEach((row, i) => {
          const diff = Math.max(...row.map((v, w) => Math.abs(v - alone[i][w])));
          expect(diff, `row ${i}`).toBeLessThan(1e-4);
        });
      } finally {
        decoder.dispose();
      }
    });
  }

  it('a history that is not what the cache read (a replaced reply, a cut to the context budget) is read in full', async () => {
    const model = models.plain;
    const cached = new LstmGenerator(model, {}, { batching: true });
    const uncached = new LstmGenerator(model, {}, { prefixCache: 0 });
    try {
      const first = await cached.reply([user(QA[0].q)]).result;
      // The engine stored a fallback text instead of the reply.
      const replaced: Turn[] = [user(QA[0].q), { speaker: 'bot', text: 'Let me get a person for you.' }, user(QA[1].q)];
      const a = await cached.reply(replaced).result;
      expect(cached.cacheStats()).toMatchObject({ hits: 0, misses: 2 });
      expect(a.text).toBe((await uncached.reply(replaced).result).text);
      // The history grew past the budget: its start was cut.
      const long: Turn[] = [user(QA[0].q), { speaker: 'bot', text: first.text }, user(QA[2].q)];
      const cut = await cached.reply(long, { contextTokens: 12 }).result;
      expect(cached.cacheStats()).toMatchObject({ hits: 0, misses: 3 });
      expect(cut.text).toBe((await uncached.reply(long, { contextTokens: 12 }).result).text);
    } finally {
      cached.dispose();
      uncached.dispose();
    }
  });

  it('keeps at most its capacity: the oldest conversation is forgotten and read in full, with the same reply', async () => {
    const model = models.plain;
    const cached = new LstmGenerator(model, {}, { prefixCache: 2 });
    const uncached = new LstmGenerator(model, {}, { prefixCache: 0 });
    try {
      const histories: Turn[][] = [];
      for (const { q } of QA.slice(0, 3)) {
        const r = await cached.reply([user(q)]).result;
        histories.push([user(q), { speaker: 'bot', text: r.text }, user('and my order?')]);
      }
      expect(cached.cacheStats()!.entries).toBe(2);
      // Newest first (each finished reply stores a state, evicting the oldest): the two later conversations continue from the cache; the first was evicted.
      const replies: string[] = [];
      for (const h of [...histories].reverse()) replies.unshift((await cached.reply(h).result).text);
      expect(cached.cacheStats()).toMatchObject({ hits: 2, misses: 4 });
      for (const [i, h] of histories.entries()) expect(replies[i]).toBe((await uncached.reply(h).result).text);
    } finally {
      cached.dispose();
      uncached.dispose();
    }
  });
});

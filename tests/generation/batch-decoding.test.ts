/**
 * Batched decoding (LstmGenerator with `batching: true`) on tiny models
 * trained for real (wasm): concurrent replies share decode steps and are the
 * same replies one-at-a-time decoding gives — greedy and sampled, with
 * per-reply options —, stream to their own streams, join and leave between
 * steps, can be cancelled, fail alone, and leak no tensors.
 */
import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchScheduler } from '../../src/generation/batch-scheduler.ts';
import { StepDecoder } from '../../src/generation/decoder.ts';
import { LstmGenerator, type Reply } from '../../src/generation/generator.ts';
import { decodeSequential } from '../../src/generation/search.ts';
import { encodeContext } from '../../src/model/encode.ts';
import { resolveGenerateOptions, type GenerateOptions } from '../../src/generation/options.ts';
import { loadModel, type LoadedModel } from '../../src/model/model-dir.ts';
import { drain, QA, rejectionOf, tempDir, trainTinyModel, user } from '../helpers/tiny.ts';
import { tensorsBesidesCache } from '../helpers/tensors.ts';

let root: string;
/** Trained for a few epochs only: unsure, so replies differ in length and some run to the cap. */
let rough: LoadedModel;
let fluent: LoadedModel;

const PROMPTS = [
  ...QA.map((x) => x.q),
  'hello',
  'refund hours order',
  'my password is gift',
  'thanks bye',
  'shipping?',
  'Where is my order? I asked yesterday and nobody answered, this is the third time',
  'gift cards refund password hours shipping order',
  'ok',
];

beforeAll(async () => {
  root = await tempDir('batch');
  await trainTinyModel(path.join(root, 'rough'), 'wasm', { training: { epochs: 6 } });
  await trainTinyModel(path.join(root, 'fluent'), 'wasm');
  rough = await loadModel(path.join(root, 'rough'));
  fluent = await loadModel(path.join(root, 'fluent'));
}, 600_000);

afterAll(async () => {
  rough?.dispose();
  fluent?.dispose();
  await fs.rm(root, { recursive: true, force: true });
});

/** Options that vary per reply: strategy, seed, temperature, penalty and length cap. */
function optionsFor(i: number, strategy: GenerateOptions['strategy']): Partial<GenerateOptions> {
  return { strategy, seed: 11 + i, temperature: [0.7, 1, 1.4][i % 3], repetitionPenalty: [1, 1.2, 2][i % 3], maxTokens: [40, 3, 12, 80][i % 4] };
}

/** One-at-a-time replies, each awaited before the next starts. */
async function oneAtATime(model: LoadedModel, requests: Array<{ text: string; opts: Partial<GenerateOptions> }>): Promise<Reply[]> {
  const g = new LstmGenerator(model);
  try {
    const out: Reply[] = [];
    for (const r of requests) out.push(await g.reply([user(r.text)], r.opts).result);
    return out;
  } finally {
    g.dispose();
  }
}

function expectSameReplies(batched: Reply[], single: Reply[]): void {
  expect(batched.map((r) => r.text)).toEqual(single.map((r) => r.text));
  expect(batched.map((r) => [r.tokens, r.truncated])).toEqual(single.map((r) => [r.tokens, r.truncated]));
  batched.forEach((r, i) => expect(r.meanLogProb).toBeCloseTo(single[i].meanLogProb, 4));
}

describe('batched decoding gives the same replies as one-at-a-time decoding', () => {
  for (const strategy of ['greedy', 'sample'] as const) {
    it(`${strategy}: concurrent replies with their own options equal unbatched ones, in fewer steps`, async () => {
      const requests = PROMPTS.flatMap((text, i) => [0, 1].map((k) => ({ text, opts: optionsFor(2 * i + k, strategy) })));
      const single = await oneAtATime(rough, requests);
      const g = new LstmGenerator(rough, {}, { batching: true });
      try {
        const streams = requests.map((r) => g.reply([user(r.text)], r.opts));
        const drained = await Promise.all(streams.map(drain));
        expectSameReplies(
          drained.map((d) => d.result),
          single,
        );
        // Each stream carries its own reply.
        drained.forEach((d) => expect(d.pieces.join('').trim()).toBe(d.result.text));
        // Some replies end at their cap, some at <eot>: sequences left the batch at different steps.
        expect(new Set(single.map((r) => r.truncated)).size).toBe(2);
        // They shared steps: no more steps than the longest prompt + reply (all started together), many rows a step.
        const work = requests.map((r, i) => encodeContext(rough.tokenizer, [user(r.text)], 256).length + single[i].tokens + 1);
        const { steps, meanBatch } = g.batchStats();
        expect(steps).toBeLessThanOrEqual(Math.max(...work));
        expect(meanBatch).toBeGreaterThan(work.reduce((a, b) => a + b, 0) / Math.max(...work) / 2);
      } finally {
        g.dispose();
      }
    });
  }

  it('replies that join while others are decoding equal unbatched ones, and the fluent model still answers right', async () => {
    const g = new LstmGenerator(fluent, {}, { batching: true });
    try {
      const first = g.reply([user(QA[5].q)]);
      const it0 = first[Symbol.asyncIterator]();
      await it0.next(); // the first reply is under way
      const later = QA.map((x) => g.reply([user(x.q)]));
      const [a, ...rest] = await Promise.all([first.result, ...later.map((s) => s.result)]);
      expect(a.text).toBe(QA[5].a);
      expect(rest.map((r) => r.text)).toEqual(QA.map((x) => x.a));
    } finally {
      g.dispose();
    }
  });
});

describe('reading prompts', () => {
  it('ahead in their own pass or inside the shared steps, the tokens are those of one-at-a-time decoding', async () => {
    const decoder = new StepDecoder(rough.params);
    const tok = rough.tokenizer;
    const rules = { eot: tok.eot, banned: [tok.pad, tok.dlg, tok.user, tok.bot], opts: resolveGenerateOptions({ maxTokens: 40 }) };
    const prompts = PROMPTS.map((text, i) => encodeContext(tok, [user(text), { speaker: 'bot', text: QA[i % QA.length].a }, user(PROMPTS[(i + 3) % PROMPTS.length])], 256));
    const alone: number[][] = [];
    for (const prompt of prompts) alone.push((await decodeSequential({ decoder, ...rules }, prompt, () => {})).ids);
    for (const readAheadBelow of [0, 1000]) {
      const scheduler = new BatchScheduler(decoder, { readAheadBelow });
      const together = await Promise.all(prompts.map((prompt) => scheduler.decode({ prompt, rules, onToken: () => {} })));
      expect(together.map((r) => r.ids), `readAheadBelow ${readAheadBelow}`).toEqual(alone);
      // Read in the shared steps, a prompt costs a step per token; read ahead, only its last token does.
      const { steps } = scheduler.stats();
      if (readAheadBelow === 0) expect(steps).toBeGreaterThanOrEqual(Math.max(...prompts.map((p) => p.length)));
      else expect(steps).toBeLessThanOrEqual(Math.max(...alone.map((ids) => ids.length)) + 2);
      scheduler.close();
    }
    decoder.dispose();
  });
});

describe('streaming, cancelling and failing in a batch', () => {
  it('streams each reply as it is decoded, interleaved with the others (not at the end)', async () => {
    const g = new LstmGenerator(rough, {}, { batching: true });
    try {
      const events: string[] = [];
      const streams = PROMPTS.map((text) => g.reply([user(text)], { maxTokens: 30, repetitionPenalty: 1 }));
      await Promise.all(
        streams.map(async (s, i) => {
          let first = true;
          for await (const piece of s) {
            if (piece && first) events.push(`first:${i}`);
            first = false;
          }
          events.push(`done:${i}`);
        }),
      );
      // The streams interleave: most replies have streamed a piece before any reply is done.
      const firstDone = events.findIndex((e) => e.startsWith('done:'));
      expect(events.slice(0, firstDone).filter((e) => e.startsWith('first:')).length).toBeGreaterThanOrEqual(PROMPTS.length / 2);
    } finally {
      g.dispose();
    }
  });

  it('a cancelled reply leaves the batch; the others finish unchanged and no tensor is left behind', async () => {
    const requests = PROMPTS.map((text, i) => ({ text, opts: optionsFor(i, 'greedy') }));
    const single = await oneAtATime(rough, requests);
    const g = new LstmGenerator(rough, {}, { batching: true });
    try {
      await g.reply([user('warm up')]).result;
      const before = tensorsBesidesCache(g);
      const controller = new AbortController();
      const victim = g.reply([user(PROMPTS[0])], { maxTokens: 200, repetitionPenalty: 1 }, { signal: controller.signal });
      const others = requests.map((r) => g.reply([user(r.text)], r.opts));
      for await (const piece of victim) if (piece) break;
      controller.abort();
      const err = await rejectionOf(victim.result);
      expect(err).toMatchObject({ code: 'colloquy_reply_cancelled' });
      expectSameReplies(await Promise.all(others.map((s) => s.result)), single);
      // Already aborted: refused at once.
      expect(await rejectionOf(g.reply([user('hi')], {}, { signal: controller.signal }).result)).toMatchObject({ code: 'colloquy_reply_cancelled' });
      expect(tensorsBesidesCache(g)).toBe(before);
    } finally {
      g.dispose();
    }
  });

  it('a sequence whose token listener throws fails alone; the others finish as they would alone', async () => {
    const decoder = new StepDecoder(rough.params);
    const scheduler = new BatchScheduler(decoder);
    const tok = rough.tokenizer;
    const rules = { eot: tok.eot, banned: [tok.pad, tok.dlg, tok.user, tok.bot], opts: resolveGenerateOptions({ repetitionPenalty: 1, maxTokens: 30 }) };
    const prompts = PROMPTS.map((text) => encodeContext(tok, [user(text)], 256));
    const decodeAll = (failAt: number | null) =>
      prompts.map((prompt, i) => {
        let seen = 0;
        const onToken = () => {
          if (i === failAt && ++seen === 2) throw new Error('listener broke');
        };
        return scheduler.decode({ prompt, rules, onToken }).then(
          (r) => r.ids.join(' '),
          (err: Error) => `failed: ${err.message}`,
        );
      });
    const before = tf.memory().numTensors;
    const clean = await Promise.all(decodeAll(null));
    const withFailure = await Promise.all(decodeAll(3));
    expect(withFailure[3]).toBe('failed: listener broke');
    expect(withFailure.filter((_, i) => i !== 3)).toEqual(clean.filter((_, i) => i !== 3));
    expect(scheduler.size).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    scheduler.close();
    decoder.dispose();
  });

  it('bad options and empty prompts fail alone; disposing the generator rejects what is running', async () => {
    const g = new LstmGenerator(rough, {}, { batching: true });
    try {
      await g.reply([user('warm up')]).result;
      const before = tensorsBesidesCache(g);
      const bad = g.reply([user('hello')], { maxTokens: 0 });
      const empty = g.reply([user('   ')]);
      const ok = g.reply([user(QA[0].q)], { maxTokens: 20 });
      expect(await rejectionOf(bad.result)).toMatchObject({ code: 'colloquy_generate_options_invalid' });
      expect(await rejectionOf(empty.result)).toMatchObject({ code: 'colloquy_prompt_empty' });
      expect((await ok.result).text.length).toBeGreaterThan(0);
      expect(tensorsBesidesCache(g)).toBe(before);
    } finally {
      g.dispose();
    }
    const closed = new LstmGenerator(rough, {}, { batching: true });
    const running = closed.reply([user(PROMPTS[0])], { maxTokens: 200, repetitionPenalty: 1 });
    for await (const piece of running) if (piece) break;
    const before = tf.memory().numTensors;
    closed.dispose();
    expect(await rejectionOf(running.result)).toMatchObject({ code: 'colloquy_generator_closed' });
    expect(tf.memory().numTensors).toBeLessThan(before);
    expect(await rejectionOf(closed.reply([user('hi')]).result)).toMatchObject({ code: 'colloquy_generator_closed' });
  });
});

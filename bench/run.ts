/**
 * `npm run bench`: every performance figure of issue 7 beside its baseline,
 * measured in the same run (medians over rounds, the two sides interleaved),
 * printed as a table and written to bench/results.json.
 *
 *   npm run bench                 # full run (~2–3 min on 2 cores)
 *   npm run bench -- --quick      # smoke run: one round, fewer steps (~40 s)
 *   npm run bench -- --threads 2  # also a row with 2 wasm threads (a child process)
 *   npm run bench -- --no-torch   # skip the PyTorch reference
 *
 * Figures (results.json): train_tok_s, train_tok_s_layers_baseline,
 * train_tok_s_torch, gen_ms_per_token, ttft_ms, batched_replies_s_50,
 * sequential_replies_s_50 (+ p50/p99), peak_rss_mb, a cpu row, a threads
 * row, and the backend and model config.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../src/config.ts';
import { actionTurn } from '../src/data/action-text.ts';
import type { Turn } from '../src/data/dialogue.ts';
import { StepDecoder } from '../src/generation/decoder.ts';
import { LstmGenerator } from '../src/generation/generator.ts';
import { encodeContext } from '../src/model/encode.ts';
import type { LoadedModel } from '../src/model/model-dir.ts';
import { initBackend, type BackendName } from '../src/runtime/backend.ts';
import { runConversations } from './concurrency.ts';
import { carriedMsPerToken, continuingTimeToFirstToken, stepMsPerRow, timeToFirstToken, windowMsPerToken, withoutLstmKernel } from './gen-speed.ts';
import { loadBenchModels } from './lib/models.ts';
import { markdownTable, median, round } from './lib/stats.ts';
import { corpusWorkload } from './lib/workload.ts';
import { runTorchReference } from './torch.ts';
import { runStockLayersChild } from './stock-layers-child.ts';
import { runThreadsChild, type ThreadsFigures } from './threads-child.ts';
import { createLayersTrainer, createOurTrainer, ISSUE_SHAPE, tokensPerSecond, type TrainShape } from './train-speed.ts';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    threads: { type: 'string' },
    'no-torch': { type: 'boolean', default: false },
    out: { type: 'string', default: path.join(PROJECT_ROOT, 'bench', 'results.json') },
  },
});
const quick = flags.quick;
const rounds = quick ? 1 : 3;
const say = (line: string) => process.stderr.write(line + '\n');
const notes: string[] = [];

/** Interleaves rounds of several measurements so machine noise hits them alike; returns each one's median. */
async function interleaved<K extends string>(measures: Record<K, () => Promise<number> | number>, n = rounds): Promise<Record<K, number>> {
  const samples = Object.fromEntries(Object.keys(measures).map((k) => [k, [] as number[]])) as unknown as Record<K, number[]>;
  for (let r = 0; r < n; r++) for (const k of Object.keys(measures) as K[]) samples[k].push(await measures[k]());
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v as number[])])) as Record<K, number>;
}

/** Training tokens/s of our trainer and the tfjs-layers baseline on the active backend. */
async function trainingRow(shape: TrainShape, ourSteps: number, layersSteps: number, withLayers: boolean) {
  const ours = createOurTrainer(shape);
  const layers = withLayers ? await createLayersTrainer(shape) : null;
  try {
    await ours.step(); // warm-up: kernels compile, Adam makes its slots
    await layers?.step();
    return await interleaved({ ours: () => tokensPerSecond(ours, ourSteps), layers: () => (layers ? tokensPerSecond(layers, layersSteps) : NaN) });
  } finally {
    ours.dispose();
    layers?.dispose();
  }
}

/** Generation figures at batch 1 on the active backend. */
async function generationRow(model: LoadedModel, history: Turn[], tokens: number, withBaselines: boolean) {
  const decoder = new StepDecoder(model.params);
  const generator = new LstmGenerator(model);
  try {
    const prompt = encodeContext(model.tokenizer, history, 1024);
    const eot = model.tokenizer.eot;
    carriedMsPerToken(decoder, prompt, 10, eot); // warm-up
    const r = await interleaved({
      carried: () => carriedMsPerToken(decoder, prompt, tokens, eot),
      window: () => (withBaselines ? windowMsPerToken(model.params, prompt, Math.max(10, tokens / 10)) : NaN),
      ttft: () => timeToFirstToken(generator, history),
      ttftOps: () => (withBaselines ? withoutLstmKernel(() => timeToFirstToken(generator, history)) : NaN),
      carriedOps: () => (withBaselines ? withoutLstmKernel(() => carriedMsPerToken(decoder, prompt, tokens, eot)) : NaN),
      ttftContinuing: () => continuingTimeToFirstToken(generator, history),
    });
    return { ...r, promptTokens: prompt.length };
  } finally {
    generator.dispose();
    decoder.dispose();
  }
}

/** Rounds of the lookup's time-to-first-token pair: one sample varies by ±30 % on a shared machine, the ratio is the figure. */
const LOOKUP_TTFT_ROUNDS = quick ? 3 : 11;

/** Time to first token and ms/token with an action turn after the last user turn vs the same history without it, in the same rounds. */
async function lookupRow(model: LoadedModel, history: Turn[], lookup: Turn, tokens: number) {
  const decoder = new StepDecoder(model.params);
  const generator = new LstmGenerator(model);
  try {
    const withLookup = [...history, lookup];
    const prompts = { without: encodeContext(model.tokenizer, history, 1024), with: encodeContext(model.tokenizer, withLookup, 1024) };
    const eot = model.tokenizer.eot;
    // warm-up: a first reply to each history costs up to twice a later one, which three rounds did not even out
    carriedMsPerToken(decoder, prompts.with, 10, eot);
    await timeToFirstToken(generator, history);
    await timeToFirstToken(generator, withLookup);
    const ttft = await interleaved({ ttftWithout: () => timeToFirstToken(generator, history), ttftWith: () => timeToFirstToken(generator, withLookup) }, LOOKUP_TTFT_ROUNDS);
    const carried = await interleaved({
      carriedWithout: () => carriedMsPerToken(decoder, prompts.without, tokens, eot),
      carriedWith: () => carriedMsPerToken(decoder, prompts.with, tokens, eot),
    });
    return { ...ttft, ...carried, tokensWithout: prompts.without.length, tokensWith: prompts.with.length };
  } finally {
    generator.dispose();
    decoder.dispose();
  }
}

/** Clients in flight in the concurrency figure. */
const CONCURRENCY = 50;

/** 50 conversations in flight, batched vs one at a time (both with the prefix cache), on the active backend. */
async function concurrencyRow(model: LoadedModel, conversations: string[][]) {
  const single = new LstmGenerator(model);
  const batched = new LstmGenerator(model, {}, { batching: true });
  const decoder = new StepDecoder(model.params);
  try {
    await runConversations(batched, conversations.slice(0, 8), CONCURRENCY); // warm-up
    const seq: Awaited<ReturnType<typeof runConversations>>[] = [];
    const bat: typeof seq = [];
    const perRow1: number[] = [];
    const perRow50: number[] = [];
    for (let r = 0; r < rounds; r++) {
      seq.push(await runConversations(single, conversations, 1));
      bat.push(await runConversations(batched, conversations, CONCURRENCY));
      perRow1.push(stepMsPerRow(decoder, 1, 50));
      perRow50.push(stepMsPerRow(decoder, CONCURRENCY, 50));
    }
    const same = bat.every((b) => b.texts.every((t, i) => t === seq[0].texts[i]));
    const pick = (runs: typeof seq) => ({
      rps: median(runs.map((x) => x.repliesPerSecond)),
      p50: median(runs.map((x) => x.p50Ms)),
      p99: median(runs.map((x) => x.p99Ms)),
    });
    const cache = batched.cacheStats()!;
    return {
      sequential: pick(seq),
      batched: pick(bat),
      same,
      replies: seq[0].texts.length,
      tokensPerReply: seq[0].tokens / seq[0].texts.length,
      meanBatch: batched.batchStats().meanBatch,
      cacheHitRate: cache.hits / (cache.hits + cache.misses),
      stepCeiling: median(perRow1) / median(perRow50),
    };
  } finally {
    single.dispose();
    batched.dispose();
    decoder.dispose();
  }
}

const started = Date.now();
const turnsPerConversation = quick ? 2 : 3;
const { conversations, history: ttftHistory } = corpusWorkload(turnsPerConversation, quick ? 50 : 150);

const backend: BackendName = 'wasm';
await initBackend(backend);
const wasm = { simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')), threads: getThreadsCount() };
say(`bench: wasm (simd ${wasm.simd}, ${wasm.threads} thread), ${quick ? 'quick' : `${rounds} rounds`}`);

say('training (ours vs tfjs-layers)…');
const train = await trainingRow(ISSUE_SHAPE, quick ? 3 : 8, quick ? 1 : 2, true);
const models = await loadBenchModels();
say('generation at batch 1…');
const gen = await generationRow(models.plain, ttftHistory, quick ? 50 : 200, true);
const genShipped = await generationRow(models.shipped, ttftHistory, quick ? 50 : 200, false);
// the same history with an order lookup's results after its last user turn, as the engine logs one
const lookup = actionTurn({
  name: 'order_status',
  parameters: { order: '48213' },
  results: [{ order: '48213', status: 'shipped', product: 'Harbor Rain Jacket', carrier: 'UPS', placed: 'May 2', shipped: 'May 3', eta: 'Tuesday, May 7', tracking: '1ZA40000000000482', total: '$89.00' }],
});
const lookupCost = await lookupRow(models.shipped, ttftHistory, lookup, quick ? 50 : 200);
say('50 concurrent conversations (batched vs one at a time)…');
const conc = await concurrencyRow(models.plain, conversations);
const concShipped = await concurrencyRow(models.shipped, conversations);
if (!conc.same || !concShipped.same) notes.push('batched and one-at-a-time replies differed (see tests/generation/batch-decoding.test.ts)');

say('tfjs-layers LSTM on stock wasm kernels (child process)…');
const stock = await runStockLayersChild(quick);
if (stock.note) notes.push(stock.note);

say('PyTorch reference…');
const torch = flags['no-torch'] ? { figures: null, note: 'skipped (--no-torch)' } : await runTorchReference(ISSUE_SHAPE, quick);
if (torch.note) notes.push(`PyTorch: ${torch.note}`);

say('cpu backend (short)…');
await initBackend('cpu');
const cpuShape: TrainShape = { ...ISSUE_SHAPE, batch: 8, seqLen: 16 };
const cpuTrain = await trainingRow(cpuShape, 1, 1, !quick);
const cpuGen = await generationRow(models.plain, ttftHistory, quick ? 10 : 30, false);
models.dispose();
await initBackend('wasm');

let threads: ThreadsFigures | null = null;
if (flags.threads) {
  say(`wasm with ${flags.threads} threads (child process)…`);
  threads = await runThreadsChild(Number(flags.threads), quick);
  if (threads.note) notes.push(`threads: ${threads.note}`);
}

const peakRssMb = process.resourceUsage().maxRSS / 1024;
const ratio = (a: number | null | undefined, b: number | null | undefined) => (a != null && b != null && b > 0 ? a / b : null);
const results = {
  date: new Date().toISOString(),
  quick,
  rounds,
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, loadavg: os.loadavg().map((x) => round(x, 2)), node: process.version },
  backend,
  wasm,
  model: { vocabSize: ISSUE_SHAPE.vocabSize, embedDim: ISSUE_SHAPE.embedDim, hiddenSize: ISSUE_SHAPE.hiddenSize, layers: 1 },
  train_shape: { batch: ISSUE_SHAPE.batch, seqLen: ISSUE_SHAPE.seqLen, optimizer: 'adam', targets: 'every position' },
  train_tok_s: round(train.ours),
  train_tok_s_layers_baseline: round(train.layers),
  train_tok_s_layers_stock_kernels: round(stock.tokensPerSecond),
  train_tok_s_torch: round(torch.figures?.train_tok_s ?? null),
  train_speedup_vs_layers: round(ratio(train.ours, train.layers)),
  train_speedup_vs_layers_stock: round(ratio(train.ours, stock.tokensPerSecond)),
  train_share_of_torch: round(ratio(train.ours, torch.figures?.train_tok_s)),
  gen_ms_per_token: round(gen.carried),
  gen_ms_per_token_window_baseline: round(gen.window),
  gen_ms_per_token_torch: round(torch.figures?.gen_ms_per_token ?? null),
  gen_ms_per_token_lstm_ops: round(gen.carriedOps),
  ttft_ms: round(gen.ttft),
  ttft_ms_lstm_ops: round(gen.ttftOps),
  ttft_ms_continuing: round(gen.ttftContinuing),
  ttft_prompt_tokens: gen.promptTokens,
  batched_replies_s_50: round(conc.batched.rps),
  sequential_replies_s_50: round(conc.sequential.rps),
  batched_speedup_50: round(ratio(conc.batched.rps, conc.sequential.rps)),
  batched_latency_ms: { p50: round(conc.batched.p50), p99: round(conc.batched.p99) },
  sequential_latency_ms: { p50: round(conc.sequential.p50), p99: round(conc.sequential.p99) },
  batched_same_replies: conc.same,
  batched_step_ceiling_50: round(conc.stepCeiling),
  conversations: { count: conversations.length, in_flight: CONCURRENCY, turns: turnsPerConversation, replies: conc.replies, tokens_per_reply: round(conc.tokensPerReply), mean_batch: round(conc.meanBatch), prefix_cache_hit_rate: round(conc.cacheHitRate) },
  generation_model: 'the bundled model without its copy head (plain LSTM, the PyTorch reference architecture)',
  shipped_model: {
    copy: models.shipped.config.copy ?? null,
    gen_ms_per_token: round(genShipped.carried),
    ttft_ms: round(genShipped.ttft),
    ttft_ms_continuing: round(genShipped.ttftContinuing),
    with_lookup: {
      ttft_ms: round(lookupCost.ttftWith),
      ttft_ms_without: round(lookupCost.ttftWithout),
      gen_ms_per_token: round(lookupCost.carriedWith),
      gen_ms_per_token_without: round(lookupCost.carriedWithout),
      prompt_tokens: lookupCost.tokensWith,
      prompt_tokens_without: lookupCost.tokensWithout,
    },
    batched_replies_s_50: round(concShipped.batched.rps),
    sequential_replies_s_50: round(concShipped.sequential.rps),
    batched_latency_ms: { p50: round(concShipped.batched.p50), p99: round(concShipped.batched.p99) },
    batched_step_ceiling_50: round(concShipped.stepCeiling),
  },
  cpu: {
    train_shape: { batch: cpuShape.batch, seqLen: cpuShape.seqLen },
    train_tok_s: round(cpuTrain.ours),
    train_tok_s_layers_baseline: round(cpuTrain.layers),
    gen_ms_per_token: round(cpuGen.carried),
    ttft_ms: round(cpuGen.ttft),
  },
  threads,
  peak_rss_mb: round(peakRssMb),
  seconds: Math.round((Date.now() - started) / 1000),
  notes,
};
writeFileSync(flags.out, JSON.stringify(results, null, 2) + '\n');

const f = (x: number | null | undefined, unit = '') => (x == null || Number.isNaN(x) ? '—' : `${round(x)}${unit}`);
const x = (r: number | null) => (r == null ? '—' : `${round(r)}×`);
const rows: string[][] = [
  ['training tokens/s, wasm (B=32, T=32)', f(train.ours), `tfjs-layers LSTM, our kernels: ${f(train.layers)}`, x(ratio(train.ours, train.layers))],
  ['training tokens/s vs tfjs as shipped', f(train.ours), `tfjs-layers, stock wasm kernels: ${f(stock.tokensPerSecond)}`, x(ratio(train.ours, stock.tokensPerSecond))],
  ['training tokens/s vs PyTorch 1 thread', f(train.ours), `PyTorch: ${f(torch.figures?.train_tok_s)}`, x(ratio(train.ours, torch.figures?.train_tok_s))],
  ['generation ms/token, batch 1', f(gen.carried), `re-run 32-token window: ${f(gen.window)}`, x(ratio(gen.window, gen.carried))],
  ['generation ms/token vs PyTorch', f(gen.carried), `PyTorch carried: ${f(torch.figures?.gen_ms_per_token)}`, x(ratio(torch.figures?.gen_ms_per_token, gen.carried))],
  ['generation ms/token, one LSTM kernel a step', f(gen.carried), `tf ops a step: ${f(gen.carriedOps)}`, x(ratio(gen.carriedOps, gen.carried))],
  [`time to first token ms (${gen.promptTokens}-token history)`, f(gen.ttft), `conversation going on (prefix cache): ${f(gen.ttftContinuing)}`, ''],
  ['time to first token, the prompt read by one LSTM kernel', f(gen.ttft), `tf ops a step: ${f(gen.ttftOps)}`, x(ratio(gen.ttftOps, gen.ttft))],
  [`replies/s, 50 conversations in flight`, f(conc.batched.rps), `one at a time: ${f(conc.sequential.rps)}`, x(ratio(conc.batched.rps, conc.sequential.rps))],
  ['reply latency p50 / p99 ms (50 in flight)', `${f(conc.batched.p50)} / ${f(conc.batched.p99)}`, `one at a time: ${f(conc.sequential.p50)} / ${f(conc.sequential.p99)}`, ''],
  ['decoder step ms per row, batch 50', '', 'the most batching can give:', x(conc.stepCeiling)],
  ['shipped model (copy): generation ms/token', f(genShipped.carried), `plain LSTM: ${f(gen.carried)}`, ''],
  ['shipped model (copy): TTFT ms, new / going on', `${f(genShipped.ttft)} / ${f(genShipped.ttftContinuing)}`, '', ''],
  [`shipped model: TTFT ms with an order lookup (${lookupCost.tokensWith} tokens)`, f(lookupCost.ttftWith), `without (${lookupCost.tokensWithout}): ${f(lookupCost.ttftWithout)}`, x(ratio(lookupCost.ttftWith, lookupCost.ttftWithout))],
  ['shipped model: ms/token with an order lookup', f(lookupCost.carriedWith), `without: ${f(lookupCost.carriedWithout)}`, x(ratio(lookupCost.carriedWith, lookupCost.carriedWithout))],
  ['shipped model (copy): replies/s, 50 in flight', f(concShipped.batched.rps), `one at a time: ${f(concShipped.sequential.rps)}`, x(ratio(concShipped.batched.rps, concShipped.sequential.rps))],
  [`cpu: training tokens/s (B=8, T=16)`, f(cpuTrain.ours), `tfjs-layers LSTM: ${f(cpuTrain.layers)}`, x(ratio(cpuTrain.ours, cpuTrain.layers))],
  ['cpu: generation ms/token, batch 1', f(cpuGen.carried), '', ''],
];
if (threads?.figures) {
  const t = threads.figures;
  rows.push(
    [`wasm ${t.threads} threads: training tokens/s`, f(t.train_tok_s), `1 thread: ${f(train.ours)}`, x(ratio(t.train_tok_s, train.ours))],
    [`wasm ${t.threads} threads: generation ms/token`, f(t.gen_ms_per_token), `1 thread: ${f(gen.carried)}`, x(ratio(gen.carried, t.gen_ms_per_token))],
    [`wasm ${t.threads} threads: replies/s, 50 concurrent`, f(t.batched_replies_s_50), `1 thread: ${f(conc.batched.rps)}`, x(ratio(t.batched_replies_s_50, conc.batched.rps))],
  );
}
rows.push(['peak RSS MB', f(peakRssMb), '', '']);
process.stdout.write(`\nColloquy bench — model E=64 H=256 V=2000 (plain LSTM unless the row says \"shipped\"), ${os.cpus().length} cores (${os.cpus()[0]?.model}), Node ${process.version}, ${quick ? 'quick run' : `medians of ${rounds} rounds`}\n\n`);
process.stdout.write(markdownTable(['figure', 'Colloquy', 'baseline (same run)', 'ratio'], rows) + '\n');
if (!conc.same || !concShipped.same) process.stdout.write('WARNING: batched replies differed from one-at-a-time replies\n');
for (const n of notes) process.stdout.write(`note: ${n}\n`);
process.stdout.write(`\nwritten to ${path.relative(process.cwd(), flags.out)}\n`);
process.exit(0);

/**
 * The wasm-threads row of `npm run bench`: threads are fixed when the wasm
 * backend starts, so this runs in a child process started with `--threads N`
 * and prints its figures as one JSON line.
 *
 *   npx tsx bench/threads-child.ts --threads 2 [--quick]
 */
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { StepDecoder } from '../src/generation/decoder.ts';
import { LstmGenerator } from '../src/generation/generator.ts';
import { encodeContext } from '../src/model/encode.ts';
import { initBackend } from '../src/runtime/backend.ts';
import { enableWasmThreads } from '../src/runtime/wasm-threads.ts';
import { runConversations } from './concurrency.ts';
import { carriedMsPerToken } from './gen-speed.ts';
import { median } from './lib/stats.ts';
import { loadBenchModels } from './lib/models.ts';
import { corpusWorkload } from './lib/workload.ts';
import { createOurTrainer, ISSUE_SHAPE, tokensPerSecond } from './train-speed.ts';

/** What the child measures with N threads. */
export interface ThreadsFigures {
  figures: { threads: number; train_tok_s: number; gen_ms_per_token: number; batched_replies_s_50: number } | null;
  note?: string;
}

const SELF = fileURLToPath(import.meta.url);

/** Starts this file as a child process with `threads` wasm threads and returns its figures (null and why on failure). */
export async function runThreadsChild(threads: number, quick: boolean): Promise<ThreadsFigures> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', SELF, '--threads', String(threads), ...(quick ? ['--quick'] : [])], { timeout: 900_000 });
    return { figures: JSON.parse(stdout.trim().split('\n').pop() ?? '') as NonNullable<ThreadsFigures['figures']> };
  } catch (err) {
    return { figures: null, note: `the ${threads}-thread run failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
  }
}

async function child(): Promise<void> {
  const { values } = parseArgs({ options: { threads: { type: 'string', default: '2' }, quick: { type: 'boolean', default: false } } });
  const quick = values.quick;
  const rounds = quick ? 1 : 3;
  enableWasmThreads(Number(values.threads));
  await initBackend('wasm');
  const threads = getThreadsCount();
  const trainer = createOurTrainer(ISSUE_SHAPE);
  await trainer.step();
  const train: number[] = [];
  for (let r = 0; r < rounds; r++) train.push(await tokensPerSecond(trainer, quick ? 3 : 8));
  trainer.dispose();

  const workload = corpusWorkload(quick ? 2 : 3, quick ? 50 : 150);
  const models = await loadBenchModels();
  const model = models.plain; // as the 1-thread row
  const decoder = new StepDecoder(model.params);
  const prompt = encodeContext(model.tokenizer, workload.history, 256);
  carriedMsPerToken(decoder, prompt, 10, model.tokenizer.eot);
  const gen: number[] = [];
  const batchedRps: number[] = [];
  const generator = new LstmGenerator(model, {}, { batching: true });
  await runConversations(generator, workload.conversations.slice(0, 8), 50);
  for (let r = 0; r < rounds; r++) {
    gen.push(carriedMsPerToken(decoder, prompt, quick ? 50 : 200, model.tokenizer.eot));
    batchedRps.push((await runConversations(generator, workload.conversations, 50)).repliesPerSecond);
  }
  generator.dispose();
  decoder.dispose();
  models.dispose();
  process.stdout.write(JSON.stringify({ threads, train_tok_s: median(train), gen_ms_per_token: median(gen), batched_replies_s_50: median(batchedRps) }) + '\n');
}

if (process.argv[1] === SELF) {
  await child();
  process.exit(0);
}

/**
 * The "as shipped" baseline of `npm run bench`: the tfjs-layers LSTM on
 * tfjs-backend-wasm's own kernels — without Colloquy's transposed-matMul and
 * slicing fixes — plus only the `UnsortedSegmentSum` kernel the embedding
 * gradient needs (wasm has none, so nothing trains without it). Kernels are
 * registered per process, so this runs in a child and prints one JSON line.
 *
 *   npx tsx bench/stock-layers-child.ts [--quick]
 */
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { unsortedSegmentSumWasmConfig } from '../src/runtime/kernels/unsorted-segment-sum.ts';
import { median } from './lib/stats.ts';
import { createLayersTrainer, ISSUE_SHAPE, tokensPerSecond } from './train-speed.ts';

const SELF = fileURLToPath(import.meta.url);

/** Training tokens/s of the tfjs-layers LSTM on stock wasm kernels, or null and why. */
export async function runStockLayersChild(quick: boolean): Promise<{ tokensPerSecond: number | null; note?: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', SELF, ...(quick ? ['--quick'] : [])], { timeout: 900_000 });
    return { tokensPerSecond: (JSON.parse(stdout.trim().split('\n').pop() ?? '') as { train_tok_s: number }).train_tok_s };
  } catch (err) {
    return { tokensPerSecond: null, note: `the stock-kernel run failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
  }
}

async function child(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
  const require = createRequire(import.meta.url);
  setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
  tf.registerKernel(unsortedSegmentSumWasmConfig); // the one missing kernel; initBackend would register all of Colloquy's
  await tf.setBackend('wasm');
  const trainer = await createLayersTrainer(ISSUE_SHAPE);
  await trainer.step();
  const samples: number[] = [];
  for (let r = 0; r < (values.quick ? 1 : 3); r++) samples.push(await tokensPerSecond(trainer, 1));
  trainer.dispose();
  process.stdout.write(JSON.stringify({ train_tok_s: median(samples) }) + '\n');
}

if (process.argv[1] === SELF) {
  await child();
  process.exit(0);
}

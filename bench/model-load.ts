/**
 * What verifying a model costs at load: `loadModel` (which checks every file
 * against the manifest's sha256) beside the same load without the check
 * (manifest, tokenizer, weights — what loading did before), on the bundled
 * model, alternating, medians of N runs each.
 *
 *   npx tsx bench/model-load.ts [--runs 21]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL_DIR } from '../src/config.ts';
import { verifyModelFiles } from '../src/model/integrity.ts';
import { loadModel, readManifest } from '../src/model/model-dir.ts';
import { paramsFromArrays, disposeParams } from '../src/model/params.ts';
import { readWeights } from '../src/model/weights-file.ts';
import { initBackend } from '../src/runtime/backend.ts';
import { Tokenizer } from '../src/tokenizer/index.ts';
import { median, timeMs } from './lib/stats.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '21' } } });
const runs = Number(values.runs);
await initBackend('wasm');
const dir = DEFAULT_MODEL_DIR;

/** The load without verification: what loadModel did before the hashes. */
async function loadUnverified(): Promise<void> {
  const manifest = await readManifest(dir);
  await Tokenizer.load(path.join(dir, 'tokenizer.json'));
  disposeParams(paramsFromArrays(manifest.config, await readWeights(path.join(dir, 'weights.bin'), manifest.weights)));
}

const verified: number[] = [];
const unverified: number[] = [];
const checkOnly: number[] = [];
const manifest = await readManifest(dir);
for (let i = 0; i < runs; i++) {
  verified.push(await timeMs(async () => (await loadModel(dir)).dispose()));
  unverified.push(await timeMs(loadUnverified));
  checkOnly.push(await timeMs(() => verifyModelFiles(dir, manifest)));
}
const ms = (x: number) => `${x.toFixed(1)} ms`;
process.stdout.write([
  `bundled model load, median of ${runs} (wasm):`,
  `  verified (loadModel)            ${ms(median(verified))}`,
  `  baseline, without verification  ${ms(median(unverified))}`,
  `  the sha256 check alone          ${ms(median(checkOnly))}  (${Object.keys(manifest.files ?? {}).length} files)`,
  `  ratio verified / baseline       ${(median(verified) / median(unverified)).toFixed(2)}×`,
].join('\n') + '\n');

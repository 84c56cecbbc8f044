/**
 * The optional PyTorch yardstick: runs bench/torch_reference.py with the
 * first Python that can `import torch` (Debian's python3-torch with
 * libopenblas0-pthread), 1 thread, OPENBLAS_CORETYPE=SkylakeX (OpenBLAS
 * 0.3.21 takes this CPU for Haswell otherwise). Null with a note when absent.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../src/config.ts';
import type { TrainShape } from './train-speed.ts';

const run = promisify(execFile);
const PYTHONS = ['python3', '/usr/bin/python3'];

export interface TorchFigures {
  train_tok_s: number;
  gen_ms_per_token: number;
  torch: string;
}

async function pythonWithTorch(): Promise<string | null> {
  for (const python of PYTHONS) {
    try {
      await run(python, ['-c', 'import torch'], { timeout: 60_000 });
      return python;
    } catch {
      // not this one
    }
  }
  return null;
}

/** PyTorch's training tokens/s and generation ms/token for the same shape, or null and why. */
export async function runTorchReference(s: TrainShape, quick: boolean): Promise<{ figures: TorchFigures | null; note?: string }> {
  const python = await pythonWithTorch();
  if (!python) return { figures: null, note: 'no Python with torch found (apt-get install python3-torch libopenblas0-pthread to measure it)' };
  const args = [
    path.join(PROJECT_ROOT, 'bench', 'torch_reference.py'),
    ...['--vocab', s.vocabSize, '--embed', s.embedDim, '--hidden', s.hiddenSize, '--batch', s.batch, '--seq', s.seqLen].map(String),
    ...(quick ? ['--rounds', '1', '--steps', '3', '--gen-tokens', '50'] : []),
  ];
  try {
    const { stdout } = await run(python, args, { timeout: 600_000, env: { ...process.env, OPENBLAS_CORETYPE: 'SkylakeX', OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } });
    const figures = JSON.parse(stdout.trim().split('\n').pop() ?? '') as TorchFigures;
    return { figures, note: `${python}, torch ${figures.torch}, 1 thread` };
  } catch (err) {
    return { figures: null, note: `the PyTorch run failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
  }
}

import { promises as fs } from 'node:fs';
import { ColloquyError } from '../errors.ts';
import { writeFileAtomic } from '../util/fs-atomic.ts';

/** Where one named float32 array sits in a weights file. */
export interface WeightSpec {
  name: string;
  shape: number[];
  /** Offset in float32 elements from the start of the file. */
  offset: number;
}

export interface NamedArray {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** Writes arrays back to back as little-endian float32 and returns their specs. */
export async function writeWeights(file: string, arrays: NamedArray[]): Promise<WeightSpec[]> {
  const total = arrays.reduce((n, a) => n + a.values.length, 0);
  const all = new Float32Array(total);
  const specs: WeightSpec[] = [];
  let offset = 0;
  for (const a of arrays) {
    all.set(a.values, offset);
    specs.push({ name: a.name, shape: a.shape, offset });
    offset += a.values.length;
  }
  await writeFileAtomic(file, new Uint8Array(all.buffer));
  return specs;
}

/** Reads the arrays described by `specs`; a short or missing file is a clear error naming it. */
export async function readWeights(file: string, specs: WeightSpec[]): Promise<Map<string, Float32Array>> {
  let buf: Buffer;
  try {
    buf = await fs.readFile(file);
  } catch {
    throw new ColloquyError('model_file_missing', `Cannot read weights file ${file}`, 'The model directory is incomplete: train it again or restore it.');
  }
  if (buf.byteLength % 4 !== 0) {
    throw new ColloquyError('model_file_corrupt', `Weights file ${file} is truncated (${buf.byteLength} bytes is not a whole number of float32 values)`);
  }
  const floats = buf.byteLength / 4;
  const copy = new Float32Array(floats);
  new Uint8Array(copy.buffer).set(buf.subarray(0, floats * 4));
  // the arrays lie back to back and fill the file: a wrong offset would read another array's values
  let end = 0;
  for (const s of [...specs].sort((a, b) => a.offset - b.offset)) {
    if (s.offset !== end) throw new ColloquyError('model_file_corrupt', `Weights file ${file} does not match its manifest: ${s.name} starts at offset ${s.offset}, expected ${end}`);
    end += s.shape.reduce((a, b) => a * b, 1);
  }
  if (end !== floats) throw new ColloquyError('model_file_corrupt', `Weights file ${file} does not match its manifest: it holds ${floats} values, the manifest's arrays ${end}`);
  const out = new Map<string, Float32Array>();
  for (const s of specs) {
    const size = s.shape.reduce((a, b) => a * b, 1);
    if (!Number.isInteger(s.offset) || s.offset < 0 || s.offset + size > floats) {
      throw new ColloquyError('model_file_corrupt', `Weights file ${file} is truncated or does not match its manifest (${s.name})`);
    }
    const values = copy.subarray(s.offset, s.offset + size);
    if (values.some((v) => !Number.isFinite(v))) {
      throw new ColloquyError('model_file_corrupt', `Weights file ${file} holds non-finite values in ${s.name}`);
    }
    out.set(s.name, values);
  }
  return out;
}

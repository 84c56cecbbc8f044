import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Writes a file atomically: a temp file beside it, then rename over the target. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  await fs.writeFile(tmp, data);
  await fs.rename(tmp, file);
}

/**
 * Replaces directory `target` with the finished directory `staged` so that a
 * reader sees either the old or the new whole: the old one is moved aside
 * first and removed only after the new one is in place.
 */
export async function replaceDirectory(staged: string, target: string): Promise<void> {
  const aside = `${target}.old-${process.pid}-${Date.now()}`;
  let moved = false;
  try {
    await fs.rename(target, aside);
    moved = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  try {
    await fs.rename(staged, target);
  } catch (err) {
    if (moved) await fs.rename(aside, target);
    throw err;
  }
  if (moved) await fs.rm(aside, { recursive: true, force: true });
}

/** sha256 hex of a string or bytes. */
export async function sha256(data: string | Uint8Array): Promise<string> {
  return createHash('sha256').update(data).digest('hex');
}

/** A text file's contents, or undefined when the file does not exist (other errors are thrown). */
export async function readTextIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

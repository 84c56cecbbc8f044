import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Resolves when `dir` takes a durable write now: a probe file is written,
 * synced and removed. A read-only or full disk, or a missing directory, throws.
 *
 * @example
 * await probeWritable('conversations'); // the health check's store probe
 */
export async function probeWritable(dir: string): Promise<void> {
  const probe = join(dir, `.health-probe-${process.pid}`);
  const h = await open(probe, 'w', 0o600);
  try {
    await h.writeFile('ok');
    await h.sync();
  } finally {
    await h.close();
    await unlink(probe).catch(() => undefined);
  }
}

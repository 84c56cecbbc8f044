/**
 * Channel state for the lowdb store: one JSON object (key → value) in
 * `dir/channel-state.json`, read once when the store opens and rewritten
 * atomically (temp file, fsync, rename, fsync of the directory) on every
 * change, one change at a time. A file that cannot be parsed is moved aside
 * with a warning and the state starts empty: channels then treat old platform
 * messages as unknown, which is what a restart did before this file existed.
 */
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.ts';

export interface ChannelStateFile {
  get(key: string): unknown | undefined;
  set(key: string, value: unknown): Promise<void>;
  /** Every key and value (copies), e.g. to move the state to another store. */
  entries(): Array<[string, unknown]>;
  /** Waits for the writes in flight. */
  flush(): Promise<void>;
}

const FILE = 'channel-state.json';

/** Opens (or starts) the channel state of the log in `dir`. */
export async function openChannelStateFile(dir: string, logger: Logger, durable = true): Promise<ChannelStateFile> {
  const file = join(dir, FILE);
  const state = new Map<string, unknown>(Object.entries(await readState(file, dir, logger)));
  let tail: Promise<unknown> = Promise.resolve();
  let seq = 0;

  const write = async (): Promise<void> => {
    const tmp = `${file}.${process.pid}.${++seq}.tmp`;
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(JSON.stringify(Object.fromEntries(state)));
      if (durable) await handle.sync();
      await handle.close();
      await rename(tmp, file);
    } catch (err) {
      await handle.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    if (durable) {
      const d = await open(dir, 'r');
      await d.sync().finally(() => d.close());
    }
  };

  return {
    get: (key) => (state.has(key) ? structuredClone(state.get(key)) : undefined),
    set(key, value) {
      const run = tail.then(async () => {
        const had = state.has(key);
        const before = state.get(key);
        if (value === undefined) state.delete(key);
        else state.set(key, JSON.parse(JSON.stringify(value)) as unknown);
        try {
          await write();
        } catch (err) {
          if (had) state.set(key, before);
          else state.delete(key);
          throw err;
        }
      });
      tail = run.catch(() => undefined);
      return run;
    },
    entries: () => [...state].map(([k, v]) => [k, structuredClone(v)]),
    flush: () => tail.then(() => undefined),
  };
}

async function readState(file: string, dir: string, logger: Logger): Promise<Record<string, unknown>> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (text === undefined) return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    /* handled below */
  }
  const aside = join(dir, 'corrupt', `${FILE}.${new Date().toISOString().replace(/[:.]/g, '-')}`);
  await mkdir(join(dir, 'corrupt'), { recursive: true });
  await rename(file, aside);
  logger.warn('channel state unreadable; moved aside, it starts empty', { movedTo: aside });
  return {};
}

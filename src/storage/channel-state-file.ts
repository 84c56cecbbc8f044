/**
 * Channel state for the lowdb store: one JSON file, `dir/channel-state.json`
 * (`{ key: { value, expiresAt? } }`), read once when the store opens. Changes
 * are written atomically (temp file, fsync, rename, fsync of the directory);
 * changes made while a write is under way share the next write, so a burst of
 * events costs a few writes, not one each. Expired keys are dropped on
 * writing. A file that cannot be parsed is moved aside with a warning and the
 * state starts empty: channels then treat old platform messages as unknown,
 * which is what a restart did before this file existed.
 */
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.ts';

export interface ChannelStateFile {
  get(key: string): unknown | undefined;
  set(key: string, value: unknown, ttlMs?: number): Promise<void>;
  /** Every live key and value (copies), e.g. to move the state to another store. */
  entries(): Array<[string, unknown]>;
  /** Waits for the writes in flight. */
  flush(): Promise<void>;
}

interface Entry { value: unknown; expiresAt?: number }

const FILE = 'channel-state.json';

/** Opens (or starts) the channel state of the log in `dir`. */
export async function openChannelStateFile(dir: string, logger: Logger, durable = true, now: () => number = Date.now): Promise<ChannelStateFile> {
  const file = join(dir, FILE);
  const state = new Map<string, Entry>(Object.entries(await readState(file, dir, logger)));
  const live = (e: Entry | undefined): e is Entry => e !== undefined && (e.expiresAt === undefined || e.expiresAt > now());
  let seq = 0;
  let writing: Promise<void> | undefined;
  let next: Promise<void> | undefined;

  const writeOnce = async (): Promise<void> => {
    for (const [k, e] of state) if (!live(e)) state.delete(k);
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

  /** A write that includes every change made so far: the one queued behind the current write, shared. */
  const scheduleWrite = (): Promise<void> => {
    if (next) return next;
    const after = writing ?? Promise.resolve();
    const mine: Promise<void> = after.catch(() => undefined).then(() => {
      next = undefined;
      writing = mine;
      return writeOnce();
    }).finally(() => {
      if (writing === mine) writing = undefined;
    });
    next = mine;
    return mine;
  };

  return {
    get(key) {
      const e = state.get(key);
      return live(e) ? structuredClone(e.value) : undefined;
    },
    async set(key, value, ttlMs) {
      if (value === undefined) state.delete(key);
      else state.set(key, { value: JSON.parse(JSON.stringify(value)) as unknown, ...(ttlMs === undefined ? {} : { expiresAt: now() + ttlMs }) });
      await scheduleWrite();
    },
    entries: () => [...state].filter(([, e]) => live(e)).map(([k, e]) => [k, structuredClone(e.value)]),
    flush: async () => {
      await (next ?? writing)?.catch(() => undefined);
    },
  };
}

async function readState(file: string, dir: string, logger: Logger): Promise<Record<string, Entry>> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (text === undefined) return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((e) => e && typeof e === 'object' && 'value' in e)) return value as Record<string, Entry>;
  } catch {
    /* handled below */
  }
  const aside = join(dir, 'corrupt', `${FILE}.${new Date().toISOString().replace(/[:.]/g, '-')}`);
  await mkdir(join(dir, 'corrupt'), { recursive: true });
  await rename(file, aside);
  logger.warn('channel state unreadable; moved aside, it starts empty', { movedTo: aside });
  return {};
}

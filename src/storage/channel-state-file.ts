/**
 * Channel state for the lowdb store: a journal, `dir/channel-state.jsonl`, one
 * line per change (`{"k":key,"v":value,"e":expiresAt}`; no `v`: removed),
 * replayed when the store opens. A change costs one appended line, however
 * many keys there are; changes made while a write is under way share the next
 * append and fsync. When most lines are stale (overwritten, removed, expired)
 * the journal is rewritten with the live keys only (temp file, fsync, rename).
 * A torn last line (a crash mid-append) is dropped; an unreadable line is
 * skipped with a warning: the other keys survive.
 */
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.ts';

export interface ChannelStateFile {
  get(key: string): unknown | undefined;
  set(key: string, value: unknown, ttlMs?: number): Promise<void>;
  /** Every live key and value (copies), e.g. to move the state to another store. */
  entries(): Array<[string, unknown]>;
  /** Removes every key whose value's JSON `match` accepts (privacy deletions); resolves to how many. */
  purge(match: (json: string) => boolean): Promise<number>;
  /** Waits for the writes in flight. */
  flush(): Promise<void>;
}

interface Entry { value: unknown; expiresAt?: number }
interface Line { k: string; v?: unknown; e?: number }

const FILE = 'channel-state.jsonl';
/** The journal is rewritten once it has this many lines and four times more than live keys. */
const COMPACT_MIN_LINES = 1000;

/** Opens (or starts) the channel state of the log in `dir`. */
export async function openChannelStateFile(dir: string, logger: Logger, durable = true, now: () => number = Date.now): Promise<ChannelStateFile> {
  const file = join(dir, FILE);
  const live = (e: Entry | undefined): e is Entry => e !== undefined && (e.expiresAt === undefined || e.expiresAt > now());
  const { state, lines: replayed } = await replay(file, logger, live);
  let lines = replayed;
  let pending: string[] = [];
  let writing: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  let seq = 0;

  const syncDir = async () => {
    const d = await open(dir, 'r');
    await d.sync().finally(() => d.close());
  };

  const append = async (text: string): Promise<void> => {
    const handle = await open(file, 'a');
    try {
      await handle.write(text);
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
  };

  const compact = async (): Promise<void> => {
    for (const [k, e] of state) if (!live(e)) state.delete(k);
    const tmp = `${file}.${process.pid}.${++seq}.tmp`;
    const handle = await open(tmp, 'w');
    try {
      await handle.write([...state].map(([k, e]) => lineOf(k, e)).join(''));
      if (durable) await handle.sync();
      await handle.close();
      await rename(tmp, file);
    } catch (err) {
      await handle.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    if (durable) await syncDir();
    lines = state.size;
  };

  const writeOnce = async (): Promise<void> => {
    const batch = pending;
    pending = [];
    if (lines + batch.length >= COMPACT_MIN_LINES && lines + batch.length > 4 * state.size) return compact();
    const created = lines === 0;
    await append(batch.join(''));
    if (created && durable) await syncDir();
    lines += batch.length;
  };

  /** A write that includes every change made so far: the one queued behind the current write, shared. */
  const scheduleWrite = (): Promise<void> => {
    if (next) return next;
    const mine: Promise<void> = (writing ?? Promise.resolve()).catch(() => undefined).then(() => {
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
      const entry = value === undefined ? undefined : { value: JSON.parse(JSON.stringify(value)) as unknown, ...(ttlMs === undefined ? {} : { expiresAt: now() + ttlMs }) };
      if (entry) state.set(key, entry);
      else state.delete(key);
      pending.push(lineOf(key, entry));
      await scheduleWrite();
    },
    async purge(match) {
      const doomed = [...state].filter(([, e]) => match(JSON.stringify(e.value))).map(([k]) => k);
      for (const k of doomed) {
        state.delete(k);
        pending.push(lineOf(k, undefined));
      }
      if (doomed.length) await scheduleWrite();
      return doomed.length;
    },
    entries: () => [...state].filter(([, e]) => live(e)).map(([k, e]) => [k, structuredClone(e.value)]),
    flush: async () => {
      await (next ?? writing)?.catch(() => undefined);
    },
  };
}

function lineOf(k: string, e: Entry | undefined): string {
  const line: Line = e === undefined ? { k } : { k, v: e.value, ...(e.expiresAt === undefined ? {} : { e: e.expiresAt }) };
  return JSON.stringify(line) + '\n';
}

async function replay(file: string, logger: Logger, live: (e: Entry | undefined) => boolean): Promise<{ state: Map<string, Entry>; lines: number }> {
  const state = new Map<string, Entry>();
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  const rows = text.split('\n');
  const torn = rows.pop(); // '' after the last newline; anything else was cut off by a crash
  if (torn) logger.warn('channel state: a change cut off by a crash was dropped', { file });
  let skipped = 0;
  for (const row of rows) {
    try {
      const l = JSON.parse(row) as Line;
      if (typeof l.k !== 'string') throw new Error('no key');
      if (!('v' in l)) state.delete(l.k);
      else state.set(l.k, { value: l.v, ...(typeof l.e === 'number' ? { expiresAt: l.e } : {}) });
    } catch {
      skipped++;
    }
  }
  if (skipped) logger.warn('channel state: unreadable lines skipped', { file, lines: skipped });
  for (const [k, e] of state) if (!live(e)) state.delete(k);
  return { state, lines: rows.length };
}

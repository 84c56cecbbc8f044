/**
 * The conversation log on disk: one lowdb JSON file per conversation under
 * `dir/c/<2 hex>/<sha256(id)>.json` (the id is never part of a path), a
 * summary index beside them (`dir/index.jsonl`, see index-file.ts), and
 * unreadable files moved to `dir/corrupt/`.
 *
 * Writes to one conversation are serialized by a promise chain per id and go
 * through a durable adapter (temp file, fsync, rename, fsync of the directory),
 * so `update` resolves only once the new record survives a crash. lowdb's own
 * JSONFile (steno) renames without fsync, hence the adapter here. Temp files a
 * crash leaves are removed at open and when deleting (leftovers.ts); files and
 * directories are owner-only unless `groupReadable`.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Low, type Adapter } from 'lowdb';
import { ColloquyError } from '../errors.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { openChannelStateFile } from './channel-state-file.ts';
import { createTombstones, deleteRecordsOlderThan, deleteUserRecords } from './deletion.ts';
import { openIndex, summarize } from './index-file.ts';
import { redactText } from './redact.ts';
import { closeToOthers, createLeftovers, tempNameFor } from './leftovers.ts';
import type { ConversationRecord, ConversationStore, ConversationSummary, DeletionReport } from './types.ts';

/**
 * Options of `createLowdbStore`.
 *
 * @example
 * const opts: LowdbStoreOptions = { dir: 'conversations', redactLog: true, logger };
 */
export interface LowdbStoreOptions {
  /** Data directory; created when missing. */
  dir?: string;
  logger?: Logger;
  /** Mask emails, phones, cards and IBANs in the log itself, not only in exports. */
  redactLog?: boolean;
  /** Conversations kept open (parsed, in memory); idle ones beyond this are closed, least recently used first. */
  maxOpenFiles?: number;
  /** fsync every write (default). Off only for bulk loads and benchmarks' setup: a power loss may then lose writes. */
  durable?: boolean;
  /** Let the owner's group read the log (0750/0640); default owner only (0700/0600), and a data directory open to others is closed at open. */
  groupReadable?: boolean;
}

/**
 * What the lowdb store offers beyond `ConversationStore`.
 *
 * @example
 * const store = await createLowdbStore({ dir });
 * store.fileFor('slack:T1:C2'); // → dir/c/3f/3f9a…json
 */
export interface LowdbStoreExtras {
  readonly dir: string;
  /** Path of the file that holds conversation `id` (whether or not it exists). */
  fileFor(id: string): string;
  /** Conversations currently open in memory. */
  readonly openFiles: number;
  /** Every channel state key and value (for `colloquy store migrate`). */
  channelStateEntries(): Array<[string, unknown]>;
  /** Rewrites the index log with only live entries, dropping old lines (privacy deletions do it themselves). */
  compactIndex(): Promise<void>;
}

/** The record read from a file is not a conversation record (or not the one asked for). */
class CorruptRecordError extends Error {}

/** lowdb adapter: JSON read, validated; durable atomic write. */
class DurableJsonFile implements Adapter<ConversationRecord | null> {
  private static seq = 0;
  constructor(readonly file: string, private readonly id: string | undefined, private readonly durable: boolean, private readonly mode = 0o600) {}

  async read(): Promise<ConversationRecord | null> {
    const text = await readFile(this.file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (text === null) return null;
    let value: Partial<ConversationRecord> | null;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new CorruptRecordError(text.trim() === '' ? 'empty file' : (err as Error).message);
    }
    if (!value || typeof value.id !== 'string' || !Array.isArray(value.turns)) throw new CorruptRecordError('not a conversation record');
    if (this.id !== undefined ? value.id !== this.id : hashOf(value.id) !== basename(this.file, '.json')) throw new CorruptRecordError('record id does not match the file name');
    return value as ConversationRecord;
  }

  async write(data: ConversationRecord | null): Promise<void> {
    const tmp = join(dirname(this.file), tempNameFor(basename(this.file), ++DurableJsonFile.seq));
    const handle = await open(tmp, 'w', this.mode);
    try {
      await handle.writeFile(JSON.stringify(data));
      if (this.durable) await handle.sync();
      await handle.close();
      await rename(tmp, this.file);
    } catch (err) {
      await handle.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    if (this.durable) await syncDir(dirname(this.file));
  }
}

const hashOf = (id: string): string => createHash('sha256').update(id, 'utf8').digest('hex');

const syncDir = async (dir: string): Promise<void> => {
  const h = await open(dir, 'r');
  await h.sync().finally(() => h.close());
};

function storageError(code: 'write_failed' | 'read_failed' | 'open_failed', what: string, err: unknown): ColloquyError {
  const errno = (err as NodeJS.ErrnoException).code;
  const hint = errno === 'ENOSPC'
    ? 'The disk is full: free space, then retry. Nothing already stored was lost.'
    : 'Check that the data directory exists and is writable, then retry. Nothing already stored was lost.';
  const e = new ColloquyError(`storage_${code}`, `Could not ${code.split('_')[0]} ${what} (${errno ?? (err as Error).message})`, hint);
  e.cause = err;
  return e;
}

/** One open conversation: its lowdb instance, and the tail of its chain of operations (`busy` of them pending). */
interface Entry { low: Low<ConversationRecord | null>; file: string; loaded: boolean; tail: Promise<unknown>; busy: number }

/**
 * Opens (creating when missing) the conversation log in `dir`.
 *
 * @example
 * const store = await createLowdbStore({ dir: 'conversations', logger });
 * await store.update('web:42', (cur) => ({ ...(cur ?? newRecord('web:42')), turns: [...(cur?.turns ?? []), turn] }));
 * for await (const s of store.list({ feedback: 'down' })) logger.info('needs review', { id: s.id });
 */
export async function createLowdbStore({
  dir = 'conversations', logger = silentLogger, redactLog = false, maxOpenFiles = 256, durable = true, groupReadable = false,
}: LowdbStoreOptions = {}): Promise<ConversationStore & LowdbStoreExtras> {
  const filesDir = join(dir, 'c');
  const corruptDir = join(dir, 'corrupt');
  const dirMode = groupReadable ? 0o750 : 0o700;
  const fileMode = groupReadable ? 0o640 : 0o600;
  await mkdir(filesDir, { recursive: true, mode: dirMode }).catch((err) => { throw storageError('open_failed', `the conversation directory ${dir}`, err); });
  await closeToOthers(dir, dirMode, logger);
  const fileFor = (id: string): string => { const h = hashOf(id); return join(filesDir, h.slice(0, 2), `${h}.json`); };
  const shards = new Set<string>();
  const entries = new Map<string, Entry>();
  const tombstones = createTombstones();
  let closed = false;
  const leftovers = createLeftovers({ filesDir, corruptDir, logger });
  await leftovers.removeTempFiles();

  /** Moves an unreadable file aside; the conversation then starts anew. */
  const quarantine = async (file: string, reason: string): Promise<void> => {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const target = join(corruptDir, `${basename(file, '.json')}.${stamp}.json`);
    await mkdir(corruptDir, { recursive: true, mode: dirMode });
    await rename(file, target);
    logger.warn('conversation file unreadable; moved aside, the conversation starts anew', { file, movedTo: target, reason });
  };

  /** Reads one file through the adapter, quarantining a corrupt one (→ null). */
  const readRecord = async (adapter: DurableJsonFile): Promise<ConversationRecord | null> => {
    try {
      return await adapter.read();
    } catch (err) {
      if (!(err instanceof CorruptRecordError)) throw storageError('read_failed', `conversation file ${adapter.file}`, err);
      await quarantine(adapter.file, err.message).catch((moveErr) => {
        throw storageError('read_failed', `(move aside) corrupt conversation file ${adapter.file}`, moveErr);
      });
      return null;
    }
  };

  async function* scan(): AsyncIterable<ConversationSummary> {
    for (const shard of await readdir(filesDir).catch(() => [] as string[])) {
      for (const name of await readdir(join(filesDir, shard)).catch(() => [] as string[])) {
        const file = join(filesDir, shard, name);
        if (!name.endsWith('.json')) continue;
        const record = await readRecord(new DurableJsonFile(file, undefined, false));
        if (record) yield summarize(record);
      }
    }
  }
  const index = await openIndex({
    file: join(dir, 'index.jsonl'),
    logger,
    fileMode,
    scan,
    resummarize: async (id) => {
      const record = await readRecord(new DurableJsonFile(fileFor(id), id, false));
      return record ? summarize(record) : undefined;
    },
  }).catch((err) => {
    throw err instanceof ColloquyError ? err : storageError('open_failed', `the conversation index in ${dir}`, err);
  });

  const channelState = await openChannelStateFile(dir, logger, durable).catch((err) => {
    throw storageError('open_failed', `the channel state in ${dir}`, err);
  });

  /** Closes idle conversations beyond the bound, least recently used first. */
  const evictIdle = (): void => {
    for (const [id, e] of entries) {
      if (entries.size <= maxOpenFiles) break;
      if (e.busy === 0) entries.delete(id);
    }
  };

  /** Runs `fn` after every earlier operation on `id` finished: one writer per file. */
  const exclusive = <T>(id: string, fn: (e: Entry) => Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(new ColloquyError('storage_closed', 'The conversation store is closed'));
    const file = fileFor(id);
    const entry = entries.get(id) ?? { low: new Low(new DurableJsonFile(file, id, durable, fileMode), null), file, loaded: false, tail: Promise.resolve(), busy: 0 };
    entries.delete(id);
    entries.set(id, entry); // most recently used last
    entry.busy++;
    const run = entry.tail.then(() => fn(entry));
    entry.tail = run.catch(() => undefined);
    return run.finally(() => {
      entry.busy--;
      evictIdle();
    });
  };

  /** Loads the conversation once per open entry, keeping the index in step with the file. */
  const load = async (id: string, e: Entry): Promise<void> => {
    if (e.loaded) return;
    e.low.data = await readRecord(e.low.adapter as DurableJsonFile);
    e.loaded = true;
    const known = index.get(id) !== undefined;
    if (e.low.data && !known) index.commit(summarize(e.low.data));
    if (!e.low.data && known) index.commitDelete(id);
  };

  /** Masks the turns whose text is new or changed since `prev`. */
  const redactTurns = (next: ConversationRecord, prev: ConversationRecord | null): void => {
    for (const [i, t] of next.turns.entries()) if (prev?.turns[i]?.text !== t.text) t.text = redactText(t.text);
  };

  /** After records were deleted: the other copies — temp files, matching corrupt files, old index lines. */
  const finishDeletion = async (report: DeletionReport, tempsBefore: number, corrupt: (text: string, mtimeMs: number) => boolean): Promise<DeletionReport> => {
    const busy = new Set([...entries.values()].filter((e) => e.busy > 0).map((e) => basename(e.file)));
    await leftovers.removeTempFiles(undefined, (file) => !busy.has(file));
    const corruptFiles = await leftovers.purgeCorrupt(corrupt);
    await index.compact();
    return { ...report, tempFiles: leftovers.tempFilesRemoved - tempsBefore, corruptFiles };
  };

  const store: ConversationStore & LowdbStoreExtras = {
    dir,
    fileFor,
    get openFiles() { return entries.size; },

    get: (id) => exclusive(id, async (e) => {
      await load(id, e);
      return e.low.data ? structuredClone(e.low.data) : undefined;
    }),

    update: (id, mutate) => exclusive(id, async (e) => {
      await load(id, e);
      const prev = e.low.data;
      const mutated = mutate(prev ? structuredClone(prev) : undefined);
      if (!mutated || mutated.id !== id || !Array.isArray(mutated.turns)) {
        throw new ColloquyError('storage_bad_record', `The update of conversation ${JSON.stringify(id.slice(0, 80))} returned a record with another id or no turns`);
      }
      const next = tombstones.screen(mutated);
      if (redactLog) redactTurns(next, prev);
      const shard = dirname(e.file);
      try {
        if (!shards.has(shard)) {
          await mkdir(shard, { recursive: true, mode: dirMode });
          if (durable) await syncDir(filesDir);
          shards.add(shard);
        }
        index.begin(id);
        e.low.data = next;
        await e.low.write();
      } catch (err) {
        e.low.data = prev;
        throw storageError('write_failed', `conversation ${JSON.stringify(id.slice(0, 80))}`, err);
      }
      index.commit(summarize(next));
      return structuredClone(next);
    }),

    async *list(filter) {
      for (const summary of index.select(filter)) yield summary;
    },

    delete: (id) => exclusive(id, async (e) => {
      const known = index.get(id) !== undefined;
      let existed = true;
      try {
        index.begin(id);
        await unlink(e.file);
        if (durable) await syncDir(dirname(e.file));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw storageError('write_failed', `(delete) conversation ${JSON.stringify(id.slice(0, 80))}`, err);
        existed = false;
      }
      e.low.data = null;
      e.loaded = true;
      index.commitDelete(id);
      await leftovers.removeTempFiles([basename(dirname(e.file))], (file) => file === basename(e.file));
      return existed || known;
    }),

    channelStateEntries: () => channelState.entries(),

    async getChannelState(key) {
      if (closed) throw new ColloquyError('storage_closed', 'The conversation store is closed');
      return channelState.get(key);
    },

    async setChannelState(key, value, options) {
      if (closed) throw new ColloquyError('storage_closed', 'The conversation store is closed');
      await channelState.set(key, value, options?.ttlMs).catch((err) => {
        throw storageError('write_failed', `channel state ${JSON.stringify(key.slice(0, 80))}`, err);
      });
    },

    async deleteUser(userId) {
      const tempsBefore = leftovers.tempFilesRemoved;
      const report = await deleteUserRecords(store, tombstones, userId);
      const needle = `"userId":${JSON.stringify(userId)}`;
      await channelState.purge((json) => json.includes(needle)); // e.g. a hand-off announcement naming them
      return finishDeletion(report, tempsBefore, (text) => text.includes(needle));
    },

    async deleteOlderThan(cutoff) {
      const tempsBefore = leftovers.tempFilesRemoved;
      const report = await deleteRecordsOlderThan(store, cutoff);
      return finishDeletion(report, tempsBefore, (_text, mtimeMs) => mtimeMs < cutoff.getTime());
    },

    compactIndex: () => index.compact(),

    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...entries.values()].map((e) => e.tail));
      await channelState.flush();
      entries.clear();
      await index.close();
    },
  };
  return store;
}

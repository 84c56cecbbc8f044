import { createTombstones, deleteRecordsOlderThan, deleteUserRecords } from '../storage/deletion.ts';
import { matchesFilter, summarize } from '../storage/index-file.ts';
import type { ConversationRecord, ConversationStore, ListFilter } from '../storage/types.ts';

/**
 * A conversation store that keeps records in memory for the life of the
 * process and writes nothing: `colloquy chat --no-log`, library use, tests.
 * Records are copied in and out, so callers never share them with the store.
 *
 * @example
 * const engine = createEngine({ generator, store: createMemoryStore() });
 */
export function createMemoryStore(): ConversationStore {
  const records = new Map<string, ConversationRecord>();
  const channelState = new Map<string, { value: unknown; expiresAt: number }>();
  const tombstones = createTombstones();
  let tail: Promise<unknown> = Promise.resolve();
  const store: ConversationStore = {
    async get(id) {
      const r = records.get(id);
      return r && structuredClone(r);
    },
    update(id, mutate) {
      // one update at a time, like a store on disk
      const next = tail.then(() => {
        const r = records.get(id);
        const updated = tombstones.screen(mutate(r && structuredClone(r)));
        records.set(id, structuredClone(updated));
        return structuredClone(updated);
      });
      tail = next.catch(() => {});
      return next;
    },
    async *list(filter: ListFilter = {}) {
      const matches = [...records.values()].map(summarize).filter((s) => matchesFilter(s, filter));
      matches.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
      yield* matches.slice(0, filter.limit ?? Infinity);
    },
    delete(id) {
      // after the updates already queued, so none of them writes the record back
      const next = tail.then(() => records.delete(id));
      tail = next.catch(() => {});
      return next;
    },
    async getChannelState(key) {
      const e = channelState.get(key);
      return e && e.expiresAt > Date.now() ? structuredClone(e.value) : undefined;
    },
    async setChannelState(key, value, options) {
      if (value === undefined) channelState.delete(key);
      else channelState.set(key, { value: JSON.parse(JSON.stringify(value)) as unknown, expiresAt: Date.now() + (options?.ttlMs ?? Infinity) });
    },
    deleteUser: (userId) => deleteUserRecords(store, tombstones, userId),
    deleteOlderThan: (cutoff) => deleteRecordsOlderThan(store, cutoff),
    async close() {
      await tail;
    },
  };
  return store;
}

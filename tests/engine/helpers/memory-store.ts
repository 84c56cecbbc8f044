/**
 * Stores for the engine tests: the in-memory store, and a wrapper that makes
 * writes fail on demand (as a full disk or a read-only directory would).
 */
import { createMemoryStore } from '../../../src/engine/memory-store.ts';
import { ColloquyError } from '../../../src/errors.ts';
import type { ConversationStore } from '../../../src/storage/types.ts';

export interface FaultyStore extends ConversationStore {
  /** The next `n` updates fail with `colloquy_storage_write_failed` (Infinity: until `heal()`). */
  failWrites(n?: number): void;
  heal(): void;
  /** Updates that reached the inner store. */
  readonly writes: number;
}

/** Wraps any store so its writes can be made to fail; reads pass through. */
export function withWriteFaults(inner: ConversationStore): FaultyStore {
  let failing = 0;
  let writes = 0;
  return {
    get: (id) => inner.get(id),
    list: (filter) => inner.list(filter),
    delete: (id) => inner.delete(id),
    getChannelState: (key) => inner.getChannelState(key),
    setChannelState: (key, value, options) => inner.setChannelState(key, value, options),
    deleteUser: (userId) => inner.deleteUser(userId),
    deleteOlderThan: (cutoff) => inner.deleteOlderThan(cutoff),
    close: () => inner.close(),
    async update(id, mutate) {
      if (failing > 0) {
        failing--;
        throw new ColloquyError('storage_write_failed', `Could not write conversation "${id}": disk full (simulated)`);
      }
      writes++;
      return inner.update(id, mutate);
    },
    failWrites(n = Infinity) {
      failing = n;
    },
    heal() {
      failing = 0;
    },
    get writes() {
      return writes;
    },
  };
}

/** The store the unit tests use: in memory, with write faults on demand. */
export function createTestStore(): FaultyStore {
  return withWriteFaults(createMemoryStore());
}

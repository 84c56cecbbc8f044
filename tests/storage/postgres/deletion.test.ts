/** The deletion contract (tests/storage/deletion-suite.ts) on the PostgreSQL store, and its tombstones shared by instances. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationStore } from '../../../src/storage/types.ts';
import { withoutDatabase } from '../../helpers/services.ts';
import { createStoreHarness, type StoreHarness } from '../../helpers/stores.ts';
import { describeDeletionContract } from '../deletion-suite.ts';
import { createRecord, createTurn } from '../fixtures/records.ts';

describe.skipIf(withoutDatabase)('postgres store deletions', () => {
  let h: StoreHarness;
  const opened: ConversationStore[] = [];
  const open = async () => {
    const s = await h.open();
    opened.push(s);
    return s;
  };
  beforeEach(async () => { h = await createStoreHarness('postgres', 'deletion'); });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close().catch(() => undefined);
    await h.cleanup();
  });

  describeDeletionContract('postgres store', open);

  it('a user deleted on one instance is not written back by a reply finishing on another', async () => {
    const [a, b] = [await open(), await open()];
    const before = new Date(Date.now() - 1000).toISOString();
    const stale = createRecord('web:u1', { userId: 'u1', createdAt: before, turns: [createTurn('1', { userId: 'u1', at: before })] });
    await b.update('web:u1', () => stale);
    expect(await a.deleteUser('u1')).toMatchObject({ conversations: 1, turns: 1 });
    await expect(b.update('web:u1', () => stale)).rejects.toMatchObject({ code: 'colloquy_storage_conversation_deleted' });
    expect(await a.get('web:u1')).toBeUndefined();
  });
});

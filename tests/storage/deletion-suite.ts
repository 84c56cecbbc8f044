/**
 * The deletion contract every ConversationStore meets (`deleteUser`,
 * `deleteOlderThan`): run it against a store factory, e.g.
 * `describeDeletionContract('lowdb', async () => createLowdbStore({ dir }))`.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationStore } from '../../src/storage/types.ts';
import { collect, createRecord, createTurn } from './fixtures/records.ts';

const now = Date.now();
const daysAgo = (d: number) => new Date(now - d * 86_400_000).toISOString();

export function describeDeletionContract(name: string, open: () => Promise<ConversationStore>): void {
  describe(`${name}: deletion contract`, () => {
    it('retention deletes conversations last active before the cutoff and reports their turns', async () => {
      const store = await open();
      for (const [id, age] of [['old', 91], ['edge', 89], ['new', 3]] as const) {
        await store.update(id, () => createRecord(id, { createdAt: daysAgo(200), updatedAt: daysAgo(age), turns: [createTurn('1'), createTurn('2')] }));
      }
      const report = await store.deleteOlderThan(new Date(now - 90 * 86_400_000));
      expect(report).toMatchObject({ conversations: 1, turns: 2 });
      expect((await collect(store.list())).map((s) => s.id).sort()).toEqual(['edge', 'new']);
      expect(await store.get('old')).toBeUndefined();
      await expect(store.deleteOlderThan(new Date('not a date'))).rejects.toThrow(/cutoff/);
      await store.close();
    });

    it("deleteUser removes the user's conversations, their turns elsewhere and their name on feedback", async () => {
      const store = await open();
      await store.update('slack:dm-u1', () => createRecord('slack:dm-u1', { userId: 'u1', turns: [createTurn('1', { userId: 'u1' }), createTurn('2', { speaker: 'bot' })] }));
      await store.update('slack:dm-u1b', () => createRecord('slack:dm-u1b', { userId: 'u1' }));
      await store.update('slack:shared', () => createRecord('slack:shared', { userId: 'u2', turns: [
        createTurn('1', { userId: 'u2' }), createTurn('2', { userId: 'u1', text: 'I am u1' }),
        createTurn('3', { speaker: 'bot', feedback: { value: 'down', at: 'x', by: 'u1' } })] }));
      await store.update('web:other', () => createRecord('web:other', { userId: 'u3', turns: [createTurn('1', { userId: 'u3' })] }));

      expect(await store.deleteUser('u1')).toMatchObject({ conversations: 2, turns: 3 });
      expect((await collect(store.list())).map((s) => s.id).sort()).toEqual(['slack:shared', 'web:other']);
      const shared = (await store.get('slack:shared'))!;
      expect(shared.turns.map((t) => t.id)).toEqual(['1', '3']);
      expect(shared.turns[1].feedback).toEqual({ value: 'down', at: 'x' });
      expect(await store.deleteUser('u1')).toMatchObject({ conversations: 0, turns: 0 });
      await expect(store.deleteUser('')).rejects.toThrow(/user id/);
      await store.close();
    });

    it('a write that started before the user was deleted does not bring their data back', async () => {
      const store = await open();
      const before = daysAgo(0);
      await store.update('web:u1', () => createRecord('web:u1', { userId: 'u1', createdAt: before, turns: [createTurn('1', { userId: 'u1', at: before })] }));
      await store.update('web:u2', () => createRecord('web:u2', { userId: 'u2', createdAt: before }));
      await store.deleteUser('u1');
      // a reply generated meanwhile, written from the copy read before the deletion
      await expect(store.update('web:u1', () => createRecord('web:u1', { userId: 'u1', createdAt: before, turns: [createTurn('1', { userId: 'u1', at: before })] })))
        .rejects.toMatchObject({ code: 'colloquy_storage_conversation_deleted' });
      // a message of u1 in someone else's conversation, received before the deletion
      await store.update('web:u2', (cur) => ({ ...cur!, turns: [...cur!.turns, createTurn('x', { userId: 'u1', at: before })] }));
      expect(await store.get('web:u1')).toBeUndefined();
      expect((await store.get('web:u2'))!.turns).toEqual([]);
      // the user writing again afterwards starts a new conversation
      const later = new Date(Date.now() + 1000).toISOString();
      await store.update('web:u1', () => createRecord('web:u1', { userId: 'u1', createdAt: later, turns: [createTurn('2', { userId: 'u1', at: later })] }));
      expect((await store.get('web:u1'))!.turns.map((t) => t.id)).toEqual(['2']);
      await store.close();
    });
  });
}

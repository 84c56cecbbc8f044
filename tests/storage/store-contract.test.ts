/**
 * What every ConversationStore promises, run on each store: lowdb files and
 * PostgreSQL. Store-specific behaviour (file layout, corrupt files, the
 * database's cross-instance lock) is tested beside each store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isColloquyError } from '../../src/errors.ts';
import type { ConversationStore } from '../../src/storage/types.ts';
import { createStoreHarness, STORE_KINDS, type StoreHarness } from '../helpers/stores.ts';
import { appendTurn, collect, createRecord, createTurn } from './fixtures/records.ts';

for (const { kind, skip } of STORE_KINDS) {
  describe.skipIf(skip)(`${kind} store contract`, () => {
    let h: StoreHarness;
    let open: ConversationStore[];
    const store = async (options?: { redactLog?: boolean }) => {
      const s = await h.open(options);
      open.push(s);
      return s;
    };
    /** Closes `s` and opens the store again: a restart. */
    const restart = async (s: ConversationStore) => {
      await s.close();
      return store();
    };

    beforeEach(async () => {
      h = await createStoreHarness(kind, 'contract');
      open = [];
    });
    afterEach(async () => {
      for (const s of open) await s.close().catch(() => undefined);
      await h.cleanup();
    });

    it('round-trips a conversation through a restart', async () => {
      const s = await store();
      const record = createRecord('web:1', { handoff: { state: 'requested', requestedAt: '2025-01-01T10:01:00.000Z', reason: 'command' } });
      record.turns.push(createTurn('t1'), createTurn('t2', { speaker: 'bot', confidence: -0.5, modelVersion: 'v1', feedback: { value: 'up', at: 'x', by: 'u1' } }));
      record.review = { status: 'corrected', reviewedAt: '2025-01-02T09:00:00.000Z', corrections: { t2: 'Better.' }, note: 'n' };
      expect(await s.update('web:1', () => record)).toEqual(record);
      expect(await s.get('missing')).toBeUndefined();
      const again = await restart(s);
      expect(await again.get('web:1')).toEqual(record);
      expect(await h.isStored('web:1')).toBe(true);
    });

    it('hands out copies, and a mutator that throws changes nothing', async () => {
      const s = await store();
      const got = await s.update('web:1', appendTurn('web:1', createTurn('t1')));
      got.turns.push(createTurn('sneaky'));
      const err = await s.update('web:1', (cur) => { cur!.turns[0]!.text = 'changed in a mutator that then throws'; throw new Error('boom'); }).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/boom/);
      expect((await s.get('web:1'))!.turns.map((t) => t.text)).toEqual(['text of t1']);
    });

    it('stores 30 conversations × 8 messages sent all at once: every turn once, in order, through a restart', async () => {
      const s = await store();
      const ids = Array.from({ length: 30 }, (_, c) => `web:${c}`);
      const writes = [];
      for (let m = 0; m < 8; m++) for (const id of ids) writes.push(s.update(id, appendTurn(id, createTurn(`${id}/${m}`))));
      await Promise.all(writes);
      const again = await restart(s);
      for (const id of ids) expect((await again.get(id))!.turns.map((t) => t.id)).toEqual(Array.from({ length: 8 }, (_, m) => `${id}/${m}`));
      const summaries = await collect(again.list());
      expect(summaries).toHaveLength(30);
      expect(summaries.every((x) => x.turns === 8)).toBe(true);
    });

    it('refuses a mutator result with another id, and keeps the record', async () => {
      const s = await store();
      await s.update('web:1', appendTurn('web:1', createTurn('t1')));
      const err = await s.update('web:1', () => createRecord('web:2')).catch((e: unknown) => e);
      expect(isColloquyError(err, 'storage_bad_record')).toBe(true);
      expect((await s.get('web:1'))!.turns).toHaveLength(1);
    });

    it('stores hostile ids and texts as given', async () => {
      const ids = ['../../etc/passwd', "x'; DROP TABLE conversations; --", 'a/b\\c', 'nul\u0000byte', 'back\\0slash', 'x'.repeat(10_000), '', 'web:é✓'];
      const s = await store();
      for (const id of ids) await s.update(id, appendTurn(id, createTurn('t1', { text: `for ${id.slice(0, 20)} \u0000 \\u0000 "q"` }), { userId: id.slice(0, 30) }));
      const again = await restart(s);
      for (const id of ids) {
        const r = (await again.get(id))!;
        expect(r.id).toBe(id);
        expect(r.turns[0]!.text).toBe(`for ${id.slice(0, 20)} \u0000 \\u0000 "q"`);
      }
      expect((await collect(again.list())).map((x) => x.id).sort()).toEqual([...ids].sort());
      expect((await collect(again.list({ userId: 'nul\u0000byte' }))).map((x) => x.id)).toEqual(['nul\u0000byte']);
    });

    it('masks personal data in the log itself when redactLog is on, only in new or changed turns', async () => {
      const s = await store({ redactLog: true });
      const text = 'mail me at ana@example.com or call +44 20 7946 0958';
      const stored = await s.update('web:1', appendTurn('web:1', createTurn('t1', { text })));
      expect(stored.turns[0]!.text).toBe('mail me at [email] or call [phone]');
      expect(JSON.stringify(await (await restart(s)).get('web:1'))).not.toContain('ana@example.com');
    });

    it('rejects use after close with colloquy_storage_closed', async () => {
      const s = await store();
      await s.close();
      expect(isColloquyError(await s.get('x').catch((e: unknown) => e), 'storage_closed')).toBe(true);
      expect(isColloquyError(await s.getChannelState('x').catch((e: unknown) => e), 'storage_closed')).toBe(true);
    });

    it('deletes a conversation: gone from get, list and after a restart', async () => {
      const s = await store();
      await s.update('web:1', appendTurn('web:1', createTurn('t1')));
      await s.update('web:2', appendTurn('web:2', createTurn('t1')));
      expect(await s.delete('web:1')).toBe(true);
      expect(await s.delete('web:1')).toBe(false);
      expect(await s.get('web:1')).toBeUndefined();
      expect(await h.isStored('web:1')).toBe(false);
      expect((await collect((await restart(s)).list())).map((x) => x.id)).toEqual(['web:2']);
    });

    it('lists summaries most recently updated first, filtered like the review page asks', async () => {
      const s = await store();
      const at = (minute: number) => `2025-03-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
      await s.update('a', () => createRecord('a', { channel: 'slack', userId: 'ana', createdAt: at(0), updatedAt: at(1), turns: [createTurn('t', { speaker: 'bot', confidence: -4, feedback: { value: 'down', at: at(1) } })] }));
      await s.update('b', () => createRecord('b', { channel: 'web', userId: 'ben', createdAt: at(0), updatedAt: at(3), handoff: { state: 'requested' }, turns: [createTurn('t', { speaker: 'bot', confidence: -1, fallback: true })], consecutiveFallbacks: 1 }));
      await s.update('c', () => createRecord('c', { channel: 'web', userId: 'ana', createdAt: at(0), updatedAt: at(2), review: { status: 'good', reviewedAt: at(5), corrections: {} }, turns: [createTurn('t', { speaker: 'bot', feedback: { value: 'up', at: at(2) } })] }));
      const ids = async (filter: Parameters<ConversationStore['list']>[0]) => (await collect(s.list(filter))).map((x) => x.id);

      expect(await ids({})).toEqual(['b', 'c', 'a']);
      expect(await ids({ limit: 2 })).toEqual(['b', 'c']);
      expect(await ids({ channel: 'web' })).toEqual(['b', 'c']);
      expect(await ids({ userId: 'ana' })).toEqual(['c', 'a']);
      expect(await ids({ from: new Date(at(2)), to: new Date(at(3)) })).toEqual(['b', 'c']);
      expect(await ids({ feedback: 'down' })).toEqual(['a']);
      expect(await ids({ feedback: 'any' })).toEqual(['c', 'a']);
      expect(await ids({ handoffState: 'requested' })).toEqual(['b']);
      expect(await ids({ maxConfidence: -2 })).toEqual(['a']);
      expect(await ids({ reviewed: true })).toEqual(['c']);
      expect(await ids({ reviewed: false })).toEqual(['b', 'a']);

      const [b] = await collect(s.list({ handoffState: 'requested' }));
      expect(b).toEqual({ id: 'b', channel: 'web', userId: 'ben', createdAt: at(0), updatedAt: at(3), turns: 1, minConfidence: -1, fallbacks: 1, feedbackUp: 0, feedbackDown: 0, handoffState: 'requested' });
    });

    it('keeps channel state through a restart: set, overwrite, remove, copies out', async () => {
      const s = await store();
      expect(await s.getChannelState('slack:msg:C1:1.2')).toBeUndefined();
      await s.setChannelState('slack:msg:C1:1.2', { conversationId: 'slack:T1:C1', turnId: 't_1', nul: 'a\u0000b' });
      await s.setChannelState('slack:answered', ['Ev1', 'Ev2']);
      await s.setChannelState('slack:answered', ['Ev1', 'Ev2', 'Ev3']);
      await s.setChannelState('gone', 1);
      await s.setChannelState('gone', undefined);
      const got = (await s.getChannelState('slack:answered')) as string[];
      got.push('sneaky');

      const again = await restart(s);
      expect(await again.getChannelState('slack:msg:C1:1.2')).toEqual({ conversationId: 'slack:T1:C1', turnId: 't_1', nul: 'a\u0000b' });
      expect(await again.getChannelState('slack:answered')).toEqual(['Ev1', 'Ev2', 'Ev3']);
      expect(await again.getChannelState('gone')).toBeUndefined();
    });

    it('forgets a channel state key after its ttl, and keeps a burst of keys set at once', async () => {
      const s = await store();
      await s.setChannelState('dedupe:Ev1', true, { ttlMs: 300 });
      await s.setChannelState('turn:C1:1.1', { turnId: 't1' });
      expect(await s.getChannelState('dedupe:Ev1')).toBe(true);
      await Promise.all(Array.from({ length: 200 }, (_, i) => s.setChannelState(`burst:${i}`, { i }, { ttlMs: 60_000 })));
      await new Promise((r) => setTimeout(r, 400));
      expect(await s.getChannelState('dedupe:Ev1')).toBeUndefined();
      const again = await restart(s);
      expect(await again.getChannelState('dedupe:Ev1')).toBeUndefined();
      expect(await again.getChannelState('turn:C1:1.1')).toEqual({ turnId: 't1' });
      for (let i = 0; i < 200; i++) expect(await again.getChannelState(`burst:${i}`)).toEqual({ i });
    });

    it("a user's deletion removes the channel state that names them", async () => {
      const s = await store();
      await s.setChannelState('slack:handoff:c1', { conversationId: 'c1', userId: 'U_1%', turns: [{ who: 'user', text: 'my address is …' }] });
      await s.setChannelState('slack:handoff:c2', { conversationId: 'c2', userId: 'U_10' });
      await s.deleteUser('U_1%');
      const again = await restart(s);
      expect(await again.getChannelState('slack:handoff:c1')).toBeUndefined();
      expect(await again.getChannelState('slack:handoff:c2')).toEqual({ conversationId: 'c2', userId: 'U_10' });
    });
  });
}

/**
 * A message carrying the channel's own id is answered once: a redelivery
 * (Slack retry, widget resend, the same event at another instance) is silent
 * and logs nothing — on every store, and across two engines sharing PostgreSQL.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import type { Engine, InboundMessage } from '../../src/engine/types.ts';
import type { ConversationStore } from '../../src/storage/types.ts';
import { createStoreHarness, STORE_KINDS, type StoreHarness } from '../helpers/stores.ts';
import { createScriptedGenerator, echo } from './helpers/scripted-generator.ts';

const message = (text: string, externalId?: string): InboundMessage => ({ channel: 'slack', conversationId: 'slack:T1:C1', userId: 'U1', text, ...(externalId ? { externalId } : {}) });

for (const { kind, skip } of STORE_KINDS) {
  describe.skipIf(skip)(`exactly-once answers (${kind} store)`, () => {
    let h: StoreHarness;
    const stores: ConversationStore[] = [];
    const engines: Engine[] = [];
    const instance = async (gateMs = 0) => {
      const store = await h.open();
      const generator = createScriptedGenerator((ctx, call) => ({ ...echo(ctx, call), gate: new Promise((r) => setTimeout(r, gateMs)) }));
      const engine = createEngine({ generator, store, tickIntervalMs: false });
      stores.push(store);
      engines.push(engine);
      return { engine, store, generator };
    };
    afterEach(async () => {
      for (const e of engines.splice(0)) await e.close();
      for (const s of stores.splice(0)) await s.close();
      await h?.cleanup();
    });

    it('a redelivered message is silent, logs nothing and points at the first answer', async () => {
      h = await createStoreHarness(kind, 'once');
      const { engine, store, generator } = await instance();
      const first = await (await engine.handle(message('where is my order?', 'Ev001'))).result;
      const again = await (await engine.handle(message('where is my order?', 'Ev001'))).result;
      const other = await (await engine.handle(message('where is my order?', 'Ev002'))).result; // same text, new event: answered

      expect(first.kind).toBe('reply');
      expect(again).toMatchObject({ kind: 'silent', text: '', duplicateOf: { userTurnId: first.userTurnId, turnId: first.turnId, text: first.text } });
      expect(other.kind).toBe('reply');
      expect(generator.calls).toHaveLength(2);
      const turns = (await store.get('slack:T1:C1'))!.turns;
      expect(turns.map((t) => [t.speaker, t.externalId])).toEqual([['user', 'Ev001'], ['bot', undefined], ['user', 'Ev002'], ['bot', undefined]]);
    });

    it('two deliveries racing are answered once, whichever wins', async () => {
      h = await createStoreHarness(kind, 'race');
      const { engine, store, generator } = await instance(200);
      const results = await Promise.all([1, 2, 3].map(async () => (await engine.handle(message('hi', 'Ev9'))).result));
      expect(results.filter((r) => r.kind === 'reply')).toHaveLength(1);
      expect(results.filter((r) => r.duplicateOf)).toHaveLength(2);
      expect(generator.calls).toHaveLength(1);
      expect((await store.get('slack:T1:C1'))!.turns).toHaveLength(2);
    });

    it('refuses an external id that is not a short string', async () => {
      h = await createStoreHarness(kind, 'badid');
      const { engine } = await instance();
      await expect(engine.handle({ ...message('hi'), externalId: 'x'.repeat(201) })).rejects.toThrow(/externalId/);
    });

    if (kind === 'postgres') {
      it('a hand-off requested on an instance that died times out on another, once', async () => {
        h = await createStoreHarness(kind, 'handofftimeout');
        let now = Date.parse('2026-01-01T10:00:00.000Z');
        const clock = { now: () => new Date(now) };
        const open = async () => {
          const store = await h.open();
          stores.push(store);
          const engine = createEngine({ generator: createScriptedGenerator(), store, clock, tickIntervalMs: false, options: { handoffTimeoutMinutes: 5 } });
          engines.push(engine);
          return { engine, store };
        };
        const [a, b, c] = [await open(), await open(), await open()];
        await (await a.engine.handle(message('hello'))).result;
        await a.engine.requestHandoff('slack:T1:C1');
        await a.engine.close(); // the instance that took the request is gone

        now += 6 * 60_000;
        await Promise.all([b.engine.tick(), c.engine.tick()]);
        const record = (await b.store.get('slack:T1:C1'))!;
        expect(record.handoff.state).toBe('closed');
        expect(record.turns.filter((t) => t.speaker === 'notice' && t.text.startsWith('Sorry, nobody is available'))).toHaveLength(1);
      });

      it('the same event reaching two instances at once is answered by one of them, once, in order with the next message', async () => {
        h = await createStoreHarness(kind, 'twoinst');
        const [a, b] = [await instance(300), await instance(300)];
        const [ra, rb] = await Promise.all([(await a.engine.handle(message('hi', 'Ev1'))).result, (await b.engine.handle(message('hi', 'Ev1'))).result]);
        expect([ra.kind, rb.kind].sort()).toEqual(['reply', 'silent']);
        expect(a.generator.calls.length + b.generator.calls.length).toBe(1);
        // messages of one conversation sent to different instances are handled one after the other
        await Promise.all([(await a.engine.handle(message('second', 'Ev2'))).result, (await b.engine.handle(message('third', 'Ev3'))).result]);
        const turns = (await a.store.get('slack:T1:C1'))!.turns;
        expect(turns.map((t) => t.speaker)).toEqual(['user', 'bot', 'user', 'bot', 'user', 'bot']);
        for (let i = 1; i < turns.length; i += 2) expect(turns[i]!.text).toBe(`You said: ${turns[i - 1]!.text}`);
      });
    }
  });
}

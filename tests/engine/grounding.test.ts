/**
 * Actions and the fact check in the engine, on real lowdb files: the action
 * turn is logged before the reply and read by the model; a failing or hanging
 * backend degrades only its own conversation; a reply stating an invented
 * fact is replaced by a candidate that passes, or by the fallback.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { webhookHandler, type ActionDefinition } from '../../src/actions/index.ts';
import { createEngine } from '../../src/engine/engine.ts';
import type { FactCheckOptions } from '../../src/engine/grounding.ts';
import { ClaimIndex } from '../../src/facts/index.ts';
import { createLowdbStore } from '../../src/storage/lowdb-store.ts';
import type { ConversationStore } from '../../src/storage/types.ts';
import { json, startWebhook, type StandIn } from '../actions/helpers.ts';
import { readReply } from './helpers/harness.ts';
import { createScriptedGenerator, inOrder, type Script } from './helpers/scripted-generator.ts';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function openStore(): Promise<ConversationStore> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-grounding-'));
  cleanup.push(() => fs.rm(dir, { recursive: true, force: true }));
  const store = await createLowdbStore({ dir });
  cleanup.push(() => store.close());
  return store;
}

async function webhook(answer: Parameters<typeof startWebhook>[0]): Promise<StandIn> {
  const server = await startWebhook(answer);
  cleanup.push(() => server.close());
  return server;
}

const ORDER = /order\D{0,12}(?<order>\d{5})/i;

async function bot(script: Script, actions: ActionDefinition[], factCheck: FactCheckOptions | boolean = true) {
  const store = await openStore();
  const generator = createScriptedGenerator(script);
  const engine = createEngine({ generator, store, actions, factCheck, tickIntervalMs: false, options: { maxConsecutiveFallbacks: 3 } });
  cleanup.push(() => engine.close());
  const send = async (text: string, conversationId = 'c1') => readReply(await engine.handle({ channel: 'test', conversationId, userId: 'u1', text }));
  return { store, generator, engine, send };
}

describe('actions in the engine', () => {
  it('logs the action turn between the user turn and the reply, and the model reads it', async () => {
    const server = await webhook((body, res) => json(res, 200, { results: [{ order: (body as { parameters: { order: string } }).parameters.order, status: 'shipped', carrier: 'UPS' }] }));
    const actions: ActionDefinition[] = [{ name: 'order_status', trigger: { pattern: ORDER }, handler: webhookHandler({ url: server.url }) }];
    const { store, generator, send } = await bot(inOrder('Order 48213 has shipped with UPS.'), actions);

    const said = await send('Where is my order 48213?');

    expect(said).toMatchObject({ kind: 'reply', text: 'Order 48213 has shipped with UPS.' });
    const record = (await store.get('c1'))!;
    expect(record.turns.map((t) => t.speaker)).toEqual(['user', 'action', 'bot']);
    expect(record.turns[1]).toMatchObject({ name: 'order_status', parameters: { order: '48213' }, results: [{ order: '48213', status: 'shipped', carrier: 'UPS' }] });
    expect(record.turns[2].factCheck).toEqual({ verdict: 'passed' });
    const context = generator.calls[0].context;
    expect(context.map((t) => t.speaker)).toEqual(['user', 'action']);
    expect(context[1].text).toBe('order status order: 48213 => status: shipped, carrier: UPS');
  });

  it("runs an intent-triggered action on the model's scorer's prediction", async () => {
    const store = await openStore();
    const scripted = createScriptedGenerator(inOrder('We have the Summit Hiking Boots in size 9.'));
    const generator = Object.assign(scripted, {
      understand: (text: string) => ({ outOfScope: 0.01, threshold: 0.5, kind: 'ordinary' as const, kindProbability: 0.9, unknownWords: 0, intent: { name: /boots/.test(text) ? 'product_stock' : 'other', probability: 0.8 } }),
    });
    const actions: ActionDefinition[] = [{ name: 'stock', trigger: { intent: 'product_stock' }, handler: async () => [{ product: 'Summit Hiking Boots', sizes: '8, 9, 10' }] }];
    const engine = createEngine({ generator, store, actions, tickIntervalMs: false });
    cleanup.push(() => engine.close());

    await readReply(await engine.handle({ channel: 'test', conversationId: 'c1', userId: 'u1', text: 'do you have the boots in 9?' }));

    expect((await store.get('c1'))!.turns.map((t) => t.speaker)).toEqual(['user', 'action', 'bot']);
  });

  it('logs a failing backend as an action turn with an error and still answers', async () => {
    const server = await webhook((_, res) => json(res, 503, {}));
    const actions: ActionDefinition[] = [{ name: 'order_status', trigger: { pattern: ORDER }, handler: webhookHandler({ url: server.url }) }];
    const { store, generator, send } = await bot(inOrder("Sorry, I couldn't look up order 48213 right now."), actions);

    const said = await send('order 48213?');

    expect(said.kind).toBe('reply');
    const turns = (await store.get('c1'))!.turns;
    expect(turns.map((t) => t.speaker)).toEqual(['user', 'action', 'bot']);
    expect(turns[1]).toMatchObject({ error: 'the webhook answered HTTP 503' });
    expect(turns[1].results).toBeUndefined();
    expect(generator.calls[0].context[1].text).toBe('order status order: 48213 => failed');
  });

  it('a hanging webhook holds only its own conversation, for its timeout', async () => {
    const server = await webhook(() => undefined); // never answers
    const actions: ActionDefinition[] = [{ name: 'order_status', trigger: { pattern: ORDER }, handler: webhookHandler({ url: server.url }), timeoutMs: 600 }];
    const { store, send } = await bot((context) => ({ text: `ok ${context.length}` }), actions, false);

    const started = Date.now();
    const hanging = send('order 48213?', 'slow');
    const other = await send('hello', 'fast');
    const otherMs = Date.now() - started;
    const slow = await hanging;

    expect(other.text).toBe('ok 1');
    expect(otherMs).toBeLessThan(400);
    expect(slow.text).toBe('ok 2');
    expect((await store.get('slow'))!.turns[1].error).toMatch(/timed out after 600 ms/);
  });
});

describe('the fact check in the engine', () => {
  const lookup: ActionDefinition[] = [{ name: 'order_status', trigger: { pattern: ORDER }, handler: async ({ order }) => (order === '48213' ? [{ order, status: 'processing' }] : []) }];

  it('replaces a reply that invents a fact with a candidate written under the check that passes; the stored turn says why', async () => {
    const { store, generator, send } = await bot(inOrder('Order 48213 ships on August 24.', 'Order 48213 arrives March 3rd.', 'Order 48213 is still processing.'), lookup);

    const said = await send('where is order 48213');

    expect(said.streamed).toBe('Order 48213 ships on August 24.');
    expect(said).toMatchObject({ kind: 'reply', text: 'Order 48213 is still processing.' });
    expect(generator.calls.slice(1).map((c) => c.opts?.strategy)).toEqual(['greedy', 'sample']);
    // the greedy one is written from the failed reply: its words up to where it went wrong
    expect(generator.calls[1].control!.draft).toBe('Order 48213 ships on August 24.');
    expect(generator.calls[2].control!.draft).toBeUndefined();
    // each candidate is written under the fact check: it is told where the invented date starts
    const constraint = generator.calls[1].control!.constraint!;
    expect(constraint('Order 48213 ships on August 24.', true)).toEqual({ from: 21, to: 22 });
    expect(constraint('Order 48213 is still processing.', true)).toBeUndefined();
    const botTurn = (await store.get('c1'))!.turns[2];
    expect(botTurn).toMatchObject({ speaker: 'bot', text: 'Order 48213 is still processing.', factCheck: { verdict: 'replaced', unsupported: ['August 24'], rejected: 'Order 48213 ships on August 24.' } });
  });

  it('after the failed reply written again, tries the candidates written with it, best first, skipping those that fail the check or the confidence threshold', async () => {
    const alternatives = [
      { text: 'Order 48213 ships on August 24.', meanLogProb: -0.4 },
      { text: 'Order 48213 is processing, it should ship soon.', meanLogProb: -9 },
      { text: 'Order 48213 is still processing.', meanLogProb: -0.6 },
      { text: 'Order 48213 is processing.', meanLogProb: -0.5 },
    ];
    const { store, generator, send } = await bot(inOrder({ text: 'Order 48213 arrives March 3rd.', alternatives }, 'Order 48213 arrives March 4th.'), lookup);

    const said = await send('where is order 48213');

    expect(said).toMatchObject({ kind: 'reply', text: 'Order 48213 is still processing.' });
    expect(generator.calls).toHaveLength(2); // the rewrite, which failed too; no sampled ones
    expect((await store.get('c1'))!.turns[2]).toMatchObject({ text: 'Order 48213 is still processing.', confidence: -0.6, factCheck: { verdict: 'replaced', rejected: 'Order 48213 arrives March 3rd.' } });
  });

  it('gives the fallback when no candidate passes, and counts it toward the hand-off', async () => {
    const invent: Script = () => ({ text: 'Your order 55555 has shipped.' });
    const { store, send } = await bot(invent, lookup, { candidates: 2 });

    const first = await send('where is order 12345');
    const second = await send('order 12345??');

    expect(first.kind).toBe('fallback');
    const record = (await store.get('c1'))!;
    expect(record.turns[2]).toMatchObject({ fallback: true, factCheck: { verdict: 'failed', unsupported: ['55555', 'confirmation of a failed action'] } });
    expect(second.kind).toBe('fallback');
    expect((await store.get('c1'))!.consecutiveFallbacks).toBe(2);
  });

  it("replaces a reply that states another status than the lookup's, in words the model's corpus uses for that status", async () => {
    const store = await openStore();
    const claims = new ClaimIndex([
      { action: 'order_status', field: 'status', value: 'shipped', phrase: 'in transit', support: 40 },
      { action: 'order_status', field: 'status', value: 'processing', phrase: 'being packed', support: 40 },
    ]);
    const generator = Object.assign(createScriptedGenerator(inOrder('Order 48213 is in transit.', 'Order 48213 is being packed.')), { claims });
    const engine = createEngine({ generator, store, actions: lookup, factCheck: true, tickIntervalMs: false });
    cleanup.push(() => engine.close());

    const said = await readReply(await engine.handle({ channel: 'test', conversationId: 'c1', userId: 'u1', text: 'where is order 48213' }));

    expect(said).toMatchObject({ kind: 'reply', text: 'Order 48213 is being packed.' });
    expect((await store.get('c1'))!.turns[2].factCheck).toEqual({ verdict: 'replaced', unsupported: ['in transit (order status status: processing)'], rejected: 'Order 48213 is in transit.' });
  });

  it('stays out of the way when turned off', async () => {
    const { store, send } = await bot(inOrder('Order 48213 ships on August 24.'), lookup, false);

    expect((await send('where is order 48213')).text).toBe('Order 48213 ships on August 24.');
    expect((await store.get('c1'))!.turns[2].factCheck).toBeUndefined();
  });
});

/**
 * Issue 17 #1: a user deleted while the engine answers them. The reply being
 * generated was written back from the copy read before the deletion,
 * re-creating the whole conversation (email, card, IBAN included).
 */
import { describe, expect, it } from 'vitest';
import { createHarness } from './helpers/harness.ts';
import { createGate, inOrder } from './helpers/scripted-generator.ts';
import { readReply } from './helpers/harness.ts';

describe('deleting a user while a reply is generated', () => {
  it('does not write the deleted conversation back', async () => {
    const held = createGate();
    const h = createHarness({ script: inOrder('Hello!', { text: 'Your card is noted.', gate: held.gate }) });
    const errors: unknown[] = [];
    h.engine.on('error', (e) => void errors.push(e));
    await h.send('hi, I am ana@example.com');
    const pending = h.engine.handle(h.message('my card is 4111 1111 1111 1111'));
    await new Promise((resolve) => setTimeout(resolve, 20)); // the reply is now waiting on the gate

    expect(await h.store.deleteUser('u1')).toMatchObject({ conversations: 1, turns: 2 });
    held.open();
    const said = await readReply(await pending);

    expect(said.kind).toBe('notice'); // "please try again": nothing was written
    expect(errors).toEqual([]); // a deletion is not a store failure (no alert, /health stays ready)
    expect(await h.store.get('c1')).toBeUndefined();
    const left = [];
    for await (const s of h.store.list()) left.push(s);
    expect(left).toEqual([]);
  });

  it("does not store a new conversation's first message received before the deletion", async () => {
    const held = createGate();
    const h = createHarness({ script: inOrder({ text: 'Welcome!', gate: held.gate }) });
    const pending = h.engine.handle(h.message('hello, my IBAN is DE89 3704 0044 0532 0130 00'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await h.store.deleteUser('u1');
    held.open();
    await readReply(await pending);
    expect(await h.store.get('c1')).toBeUndefined();
  });
});

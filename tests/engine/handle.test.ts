import { createReplyStream } from '../../src/generation/reply-stream.ts';
import { createEngine } from '../../src/engine/engine.ts';
import { createMemoryStore } from '../../src/engine/memory-store.ts';
import { describe, expect, it } from 'vitest';
import { isColloquyError } from '../../src/errors.ts';
import { createHarness } from './helpers/harness.ts';
import { createGate, inOrder } from './helpers/scripted-generator.ts';

describe('engine.handle', () => {
  it('answers with the generated reply as a stream of pieces and a result', async () => {
    // Arrange
    const h = createHarness({ script: inOrder('Your order ships tomorrow.') });

    // Act
    const said = await h.send('Where is my order?');

    // Assert
    expect(said).toMatchObject({ kind: 'reply', text: 'Your order ships tomorrow.', conversationId: 'c1', confidence: -0.5, modelVersion: 'scripted-1' });
    expect(said.pieces.length).toBeGreaterThan(1);
    expect(said.streamed.trim()).toBe('Your order ships tomorrow.');
    expect(said.turnId).toMatch(/^t_/);
  });

  it('logs the user turn and the bot turn with confidence and model version', async () => {
    const h = createHarness({ script: inOrder('Hello!') });

    const said = await h.send('hi');

    const record = await h.record();
    expect(record).toMatchObject({ id: 'c1', channel: 'test', userId: 'u1', consecutiveFallbacks: 0, handoff: { state: 'none' } });
    expect(record.turns.map((t) => [t.speaker, t.text])).toEqual([
      ['user', 'hi'],
      ['bot', 'Hello!'],
    ]);
    expect(record.turns[0]).toMatchObject({ id: said.userTurnId, userId: 'u1', sessionId: record.sessionId });
    expect(record.turns[1]).toMatchObject({ id: said.turnId, confidence: -0.5, modelVersion: 'scripted-1', sessionId: record.sessionId });
    expect(record.turns[1].fallback).toBeUndefined();
  });

  it('handles the messages of one conversation in the order they arrived, even when replies take different times', async () => {
    // Arrange: the first reply is held back until the second message has been handed in
    const first = createGate();
    const h = createHarness({ script: inOrder({ text: 'one', gate: first.gate }, 'two', 'three') });

    // Act
    const replies = [h.engine.handle(h.message('first')), h.engine.handle(h.message('second')), h.engine.handle(h.message('third'))];
    await new Promise((r) => setTimeout(r, 20));
    const startedBeforeRelease = h.generator.calls.length;
    first.open();
    const results = await Promise.all(replies.map(async (r) => (await (await r).result).text));

    // Assert
    expect(startedBeforeRelease).toBe(1);
    expect(results).toEqual(['one', 'two', 'three']);
    expect((await h.record()).turns.map((t) => t.text)).toEqual(['first', 'one', 'second', 'two', 'third', 'three']);
    expect(h.generator.calls[1].context.map((t) => t.text)).toEqual(['first', 'one', 'second']);
  });

  it('handles different conversations concurrently: a slow one does not hold up another', async () => {
    // Arrange: conversation A's reply waits for a gate that opens only after B has been answered
    const slow = createGate();
    const h = createHarness({ script: (context) => (context.at(-1)?.text === 'A' ? { text: 'for A', gate: slow.gate } : { text: 'for B' }) });

    // Act
    const a = h.engine.handle(h.message('A', { conversationId: 'a' }));
    const b = await (await h.engine.handle(h.message('B', { conversationId: 'b' }))).result;
    slow.open();
    const aResult = await (await a).result;

    // Assert
    expect(b.text).toBe('for B');
    expect(aResult.text).toBe('for A');
  });

  it('keeps a failed conversation from blocking the next message in it', async () => {
    const h = createHarness({ script: inOrder({ text: '', fail: new Error('kaboom') }, 'fine again') });

    const failed = await h.send('first');
    const next = await h.send('second');

    expect(failed).toMatchObject({ kind: 'notice', text: h.engine.options.messages.error });
    expect(next).toMatchObject({ kind: 'reply', text: 'fine again' });
  });

  it('passes the context token budget to the generator', async () => {
    const h = createHarness({ options: { contextTokens: 64 } });

    await h.send('hello');

    expect(h.generator.calls[0].opts).toEqual({ contextTokens: 64 });
  });

  it('refuses a message without a conversation id (an adapter bug) with a clear error', async () => {
    const h = createHarness();

    const err = await h.engine.handle(h.message('hi', { conversationId: '' })).catch((e: unknown) => e);

    expect(isColloquyError(err, 'message_invalid')).toBe(true);
    expect((err as Error).message).toContain('conversationId');
  });

  it('refuses messages after close()', async () => {
    const h = createHarness();
    await h.send('hi');

    await h.engine.close();
    const err = await h.engine.handle(h.message('again')).catch((e: unknown) => e);

    expect(isColloquyError(err, 'engine_closed')).toBe(true);
  });

  it('lets the stream be read more than once', async () => {
    const h = createHarness({ script: inOrder('a b c') });
    const reply = await h.engine.handle(h.message('x'));

    const read = async () => {
      let s = '';
      for await (const p of reply.stream) s += p;
      return s;
    };

    expect(await read()).toBe('a b c');
    expect(await read()).toBe('a b c');
  });
  it('streams the reply live: the first piece arrives while the model is still generating', async () => {
    const { gate, open } = createGate();
    const generator = {
      modelVersion: 'live-1',
      reply: () =>
        createReplyStream(async (emit) => {
          emit('Your order');
          await gate; // the model is still working on the rest
          emit(' has shipped.');
          return { text: 'Your order has shipped.', tokens: 2, meanLogProb: -0.2, modelVersion: 'live-1', truncated: false };
        }),
    };
    const engine = createEngine({ generator, store: createMemoryStore(), tickIntervalMs: false });
    const reply = await engine.handle({ channel: 'test', conversationId: 'live', userId: 'u', text: 'where is it?', receivedAt: new Date() });
    let settled = false;
    void reply.result.then(() => (settled = true));

    const it = reply.stream[Symbol.asyncIterator]();
    const first = await it.next();

    expect(first.value).toBe('Your order');
    expect(settled).toBe(false);
    open();
    expect((await it.next()).value).toBe(' has shipped.');
    expect(await reply.result).toMatchObject({ kind: 'reply', text: 'Your order has shipped.' });
    await engine.close();
  });
});

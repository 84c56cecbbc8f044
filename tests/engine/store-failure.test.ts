import { describe, expect, it } from 'vitest';
import { createHarness } from './helpers/harness.ts';

describe('store write failures', () => {
  it('tells the user to retry, loses nothing stored before, and answers the next message', async () => {
    // Arrange
    const h = createHarness();
    await h.send('first message');
    const before = await h.record();

    // Act
    h.store.failWrites(1);
    const failed = await h.send('second message');
    const after = await h.record();
    const next = await h.send('third message');

    // Assert
    expect(failed).toMatchObject({ kind: 'notice', text: h.engine.options.messages.retry });
    expect(failed.turnId).toBeUndefined();
    expect(after).toEqual(before);
    expect(next).toMatchObject({ kind: 'reply', text: 'You said: third message' });
    expect((await h.record()).turns.map((t) => t.text)).toEqual(['first message', 'You said: first message', 'third message', 'You said: third message']);
  });

  it('fires no message or fallback hooks for what was not written, but reports the retry notice', async () => {
    const h = createHarness();
    h.store.failWrites(1);

    await h.send('hello');

    expect(h.eventsOf('message')).toEqual([]);
    expect(h.eventsOf('reply')).toEqual([{ conversationId: 'c1', channel: 'test', userId: 'u1', kind: 'notice', text: h.engine.options.messages.retry }]);
  });

  it('keeps a failed command from changing anything', async () => {
    const h = createHarness();
    await h.send('hello');
    const before = await h.record();

    h.store.failWrites(1);
    await h.send('/agent');

    expect(await h.record()).toEqual(before);
    expect(h.eventsOf('handoff')).toEqual([]);
  });

  it('passes a failed feedback write to the caller and keeps the turn as it was', async () => {
    const h = createHarness();
    const said = await h.send('hello');

    h.store.failWrites(1);
    const err = await h.engine.feedback({ conversationId: 'c1', turnId: said.turnId!, value: 'up' }).catch((e: unknown) => e);

    expect((err as { code?: string }).code).toBe('colloquy_storage_write_failed');
    expect((await h.record()).turns.at(-1)!.feedback).toBeUndefined();
  });
});

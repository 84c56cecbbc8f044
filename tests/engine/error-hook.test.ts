/** `engine.on('error')`: the operator hears of store and generator failures, coded, with the conversation. */
import { describe, expect, it } from 'vitest';
import { isColloquyError } from '../../src/errors.ts';
import { createHarness } from './helpers/harness.ts';
import { inOrder } from './helpers/scripted-generator.ts';

describe("engine.on('error')", () => {
  it('reports a failed store write with the store’s own code, while the user is told to retry', async () => {
    const h = createHarness();
    h.store.failWrites(1);

    const said = await h.send('hello');

    expect(said.text).toBe(h.engine.options.messages.retry);
    const [failure, ...more] = h.eventsOf('error');
    expect(more).toEqual([]);
    expect(failure).toMatchObject({ source: 'store', conversationId: 'c1', channel: 'test' });
    expect(isColloquyError(failure.error, 'storage_write_failed')).toBe(true);
  });

  it('wraps a generator crash as engine_generator_failed with the original as cause, and keeps answering', async () => {
    const crash = new TypeError('tensor shape mismatch');
    const h = createHarness({ script: inOrder({ text: '', fail: crash }) });

    const failed = await h.send('where is my order?');
    const next = await h.send('and now?');

    expect(failed.text).toBe(h.engine.options.messages.error);
    const [failure] = h.eventsOf('error');
    expect(failure).toMatchObject({ source: 'generator', conversationId: 'c1', channel: 'test' });
    expect(failure.error.code).toBe('colloquy_engine_generator_failed');
    expect(failure.error.message).toContain('tensor shape mismatch');
    expect(failure.error.cause).toBe(crash);
    expect(next).toMatchObject({ kind: 'reply', text: 'You said: and now?' });
    expect(h.eventsOf('error')).toHaveLength(1);
  });

  it('stays silent while everything works', async () => {
    const h = createHarness();
    await h.send('hello');
    await h.send('/agent');
    expect(h.eventsOf('error')).toEqual([]);
  });
});

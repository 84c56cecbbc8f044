import { describe, expect, it } from 'vitest';
import { createFakeLogger, createHarness } from './helpers/harness.ts';
import { inOrder } from './helpers/scripted-generator.ts';

describe('hooks', () => {
  it('fire message then reply for an answered message, with the right payloads', async () => {
    // Arrange
    const h = createHarness({ script: inOrder('It ships tomorrow.') });
    const receivedAt = new Date('2024-05-01T08:59:59.000Z');

    // Act
    const said = await h.send('where is my order?', { receivedAt });

    // Assert
    const record = await h.record();
    expect(h.events).toEqual([
      { event: 'message', payload: { conversationId: 'c1', channel: 'test', userId: 'u1', text: 'where is my order?', turnId: said.userTurnId, sessionId: record.sessionId, receivedAt, handoff: 'none' } },
      { event: 'reply', payload: { conversationId: 'c1', channel: 'test', userId: 'u1', kind: 'reply', text: 'It ships tomorrow.', turnId: said.turnId, confidence: -0.5, modelVersion: 'scripted-1' } },
    ]);
  });

  it('a handler that throws is logged and the engine and other handlers carry on', async () => {
    const logger = createFakeLogger();
    const h = createHarness({ logger });
    h.engine.on('reply', () => {
      throw new Error('extension bug');
    });
    h.engine.on('reply', async () => {
      throw new Error('async extension bug');
    });
    let heard = 0;
    h.engine.on('reply', () => void heard++);

    const said = await h.send('hi');

    await new Promise((r) => setImmediate(r));

    expect(said.kind).toBe('reply');
    expect(heard).toBe(1);
    expect(logger.lines.filter(([level]) => level === 'error')).toEqual([
      ['error', 'hook "reply" failed', { error: 'extension bug' }],
      ['error', 'hook "reply" failed', { error: 'async extension bug' }],
    ]);
  });

  it('on() returns a function that unsubscribes', async () => {
    const h = createHarness();
    let heard = 0;
    const off = h.engine.on('message', () => void heard++);

    await h.send('one');
    off();
    await h.send('two');

    expect(heard).toBe(1);
  });
});

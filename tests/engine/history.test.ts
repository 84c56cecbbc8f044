import { describe, expect, it } from 'vitest';
import { modelContext } from '../../src/engine/session.ts';
import type { ConversationRecord, LoggedTurn } from '../../src/storage/types.ts';
import { createHarness } from './helpers/harness.ts';

const turn = (speaker: LoggedTurn['speaker'], text: string, sessionId = 's1'): LoggedTurn => ({ id: `t-${text}`, speaker, text, sessionId, at: '2024-05-01T09:00:00.000Z' });
const recordWith = (turns: LoggedTurn[], sessionId = 's1'): ConversationRecord => ({
  id: 'c',
  channel: 'test',
  userId: 'u',
  createdAt: '2024-05-01T09:00:00.000Z',
  updatedAt: '2024-05-01T09:00:00.000Z',
  sessionId,
  sessionStartedAt: '2024-05-01T09:00:00.000Z',
  consecutiveFallbacks: 0,
  handoff: { state: 'none' },
  turns,
});
const noCommands = { isCommand: (t: string) => t.startsWith('/') };

describe('modelContext', () => {
  it('gives the most recent turns of the current session, oldest first, up to maxHistoryTurns', () => {
    const record = recordWith([turn('user', 'old', 's0'), turn('bot', 'old reply', 's0'), turn('user', 'u1'), turn('bot', 'b1'), turn('user', 'u2'), turn('agent', 'a2'), turn('user', 'u3')]);

    const context = modelContext(record, { maxHistoryTurns: 4, ...noCommands });

    expect(context).toEqual([
      { speaker: 'bot', text: 'b1' },
      { speaker: 'user', text: 'u2' },
      { speaker: 'agent', text: 'a2' },
      { speaker: 'user', text: 'u3' },
    ]);
  });

  it('leaves out notices and commands', () => {
    const record = recordWith([turn('user', '/help'), turn('notice', 'I can help with…'), turn('user', 'where is my order?')]);

    expect(modelContext(record, { maxHistoryTurns: 10, ...noCommands })).toEqual([{ speaker: 'user', text: 'where is my order?' }]);
  });
});

describe('history in the engine', () => {
  it('shows the model only the most recent turns while the log keeps all of them', async () => {
    // Arrange
    const h = createHarness({ options: { maxHistoryTurns: 3 } });

    // Act
    for (const text of ['one', 'two', 'three', 'four']) await h.send(text);

    // Assert: 4 exchanges logged, the last call saw 3 turns
    expect((await h.record()).turns).toHaveLength(8);
    expect(h.generator.calls[3].context).toEqual([
      { speaker: 'user', text: 'three' },
      { speaker: 'bot', text: 'You said: three' },
      { speaker: 'user', text: 'four' },
    ]);
  });

  it('starts a new session after the idle time: empty model context, same log', async () => {
    // Arrange
    const h = createHarness({ options: { sessionIdleMinutes: 30 } });
    await h.send('my order is late');
    const before = await h.record();

    // Act
    h.clock.advanceMinutes(31);
    await h.send('hello again');

    // Assert
    const after = await h.record();
    expect(after.sessionId).not.toBe(before.sessionId);
    expect(after.sessionStartedAt).toBe(h.clock.now().toISOString());
    expect(h.generator.calls[1].context).toEqual([{ speaker: 'user', text: 'hello again' }]);
    expect(after.turns.map((t) => t.text)).toEqual(['my order is late', 'You said: my order is late', 'hello again', 'You said: hello again']);
    expect(after.turns.map((t) => t.sessionId)).toEqual([before.sessionId, before.sessionId, after.sessionId, after.sessionId]);
  });

  it('keeps the session while messages come within the idle time', async () => {
    const h = createHarness({ options: { sessionIdleMinutes: 30 } });
    await h.send('one');
    h.clock.advanceMinutes(29);
    await h.send('two');
    h.clock.advanceMinutes(29);

    await h.send('three');

    expect(new Set((await h.record()).turns.map((t) => t.sessionId)).size).toBe(1);
    expect(h.generator.calls[2].context).toHaveLength(5);
  });

  it('keeps conversations apart', async () => {
    const h = createHarness();
    await h.send('about shoes', { conversationId: 'a' });

    await h.send('about hats', { conversationId: 'b' });

    expect(h.generator.calls[1].context).toEqual([{ speaker: 'user', text: 'about hats' }]);
  });
});

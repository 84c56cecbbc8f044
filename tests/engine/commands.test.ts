import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/engine/commands.ts';
import { DEFAULT_COMMANDS } from '../../src/engine/options.ts';
import { createHarness } from './helpers/harness.ts';

describe('parseCommand', () => {
  it('reads the first word, case-insensitively, and keeps the rest as arguments', () => {
    expect(parseCommand('/reset', DEFAULT_COMMANDS)).toEqual({ name: 'reset', args: '' });
    expect(parseCommand('  /AGENT  my card was charged twice ', DEFAULT_COMMANDS)).toEqual({ name: 'agent', args: 'my card was charged twice' });
  });

  it('tells unknown commands from plain text', () => {
    expect(parseCommand('/frobnicate now', DEFAULT_COMMANDS)).toEqual({ unknown: '/frobnicate' });
    expect(parseCommand('1/2 off?', DEFAULT_COMMANDS)).toBeUndefined();
    expect(parseCommand('/path/to/file', DEFAULT_COMMANDS)).toBeUndefined();
    expect(parseCommand('where is my order', DEFAULT_COMMANDS)).toBeUndefined();
  });
});

describe('commands in the engine', () => {
  it('/reset starts a new session: the model forgets, the log keeps everything', async () => {
    // Arrange
    const h = createHarness();
    await h.send('my order 123 is late');
    const before = await h.record();

    // Act
    const said = await h.send('/reset');
    await h.send('hi');

    // Assert
    expect(said).toMatchObject({ kind: 'command', text: 'Starting over.' });
    const after = await h.record();
    expect(after.sessionId).not.toBe(before.sessionId);
    expect(h.generator.calls.at(-1)!.context).toEqual([{ speaker: 'user', text: 'hi' }]);
    expect(after.turns.map((t) => [t.speaker, t.text])).toEqual([
      ['user', 'my order 123 is late'],
      ['bot', 'You said: my order 123 is late'],
      ['user', '/reset'],
      ['notice', 'Starting over.'],
      ['user', 'hi'],
      ['bot', 'You said: hi'],
    ]);
  });

  it('/help explains what the bot can do, naming the commands, without asking the model', async () => {
    const h = createHarness();

    const said = await h.send('/help');

    expect(said.kind).toBe('command');
    expect(said.text).toContain('/agent');
    expect(said.text).toContain('/reset');
    expect(h.generator.calls).toHaveLength(0);
    expect((await h.record()).turns.at(-1)).toMatchObject({ speaker: 'notice', text: said.text, id: said.turnId });
  });

  it('/agent asks for a human and /bot hands the conversation back', async () => {
    const h = createHarness();

    const asked = await h.send('/agent');
    const back = await h.send('/bot');

    expect(asked).toMatchObject({ kind: 'command', text: h.engine.options.messages.handoffRequested });
    expect(back).toMatchObject({ kind: 'command', text: h.engine.options.messages.backToBot });
    expect((await h.record()).handoff).toMatchObject({ state: 'closed', reason: 'command' });
    expect(h.eventsOf('handoff').map((e) => [e.state, e.by])).toEqual([
      ['requested', undefined],
      ['closed', 'user'],
    ]);
  });

  it('/agent twice and /bot without a hand-off say so instead of changing anything', async () => {
    const h = createHarness();

    const already = await h.send('/bot');
    await h.send('/agent');
    const again = await h.send('/agent');

    expect(already.text).toBe(h.engine.options.messages.botAlready);
    expect(again.text).toBe(h.engine.options.messages.handoffAlready);
    expect(h.eventsOf('handoff')).toHaveLength(1);
  });

  it('uses configured command names and writes the help text from them', async () => {
    const h = createHarness({ options: { commands: { reset: '!neu', help: '!hilfe' } } });

    const reset = await h.send('!neu');
    const help = await h.send('!hilfe');
    const old = await h.send('/reset');

    expect(reset.kind).toBe('command');
    expect(help.text).toContain('!neu');
    expect(old).toMatchObject({ kind: 'notice', text: expect.stringContaining('/reset') });
    expect(old.text).toContain('!hilfe');
  });

  it('answers an unknown command with a pointer to help, not with the model', async () => {
    const h = createHarness();

    const said = await h.send('/frobnicate');

    expect(said).toMatchObject({ kind: 'notice', text: "I don't know the command /frobnicate. Type /help to see what I can do." });
    expect(h.generator.calls).toHaveLength(0);
  });

  it('reports the command on the message hook', async () => {
    const h = createHarness();

    await h.send('/help');

    expect(h.eventsOf('message')[0]).toMatchObject({ text: '/help', command: 'help', handoff: 'none' });
  });
});

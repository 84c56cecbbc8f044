import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runTerminalChat } from '../../adapters/terminal/terminal-chat.ts';
import { createHarness, type Harness } from './helpers/harness.ts';
import { inOrder } from './helpers/scripted-generator.ts';

/** Runs the terminal chat over `lines` and returns what it printed. */
async function chat(h: Harness, lines: string[], interactive = false): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk) => (printed += chunk));
  const done = runTerminalChat({ engine: h.engine, input, output, interactive, conversationId: 'term-1', userId: 'me' });
  input.end(lines.map((l) => l + '\n').join(''));
  await done;
  return printed;
}

/** Waits (a few ms at a time, 2 s at most) until `check` holds. */
async function until(check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 5) {
    if (waited > 2000) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('terminal chat through the engine', () => {
  it('piped: prints exactly one line per input line and ends at end of input', async () => {
    // Arrange
    const h = createHarness({ script: inOrder('Hello! How can I help?', 'It ships\ntomorrow.', { text: 'zzz', meanLogProb: -9 }, 'Welcome back.') });
    const lines = ['hi', 'where is my order?', '', 'blorp', '/help', '/reset', 'x'.repeat(4001), 'hello again'];

    // Act
    const printed = await chat(h, lines);

    // Assert
    expect(printed.split('\n').slice(0, -1)).toEqual([
      'Hello! How can I help?',
      'It ships tomorrow.',
      h.engine.options.messages.empty,
      h.engine.options.fallbackText,
      h.engine.options.helpText,
      'Starting over.',
      expect.stringContaining('too long'),
      'Welcome back.',
    ]);
    expect(printed.endsWith('\n')).toBe(true);
  });

  it('piped: logs the run as one terminal conversation', async () => {
    const h = createHarness();

    await chat(h, ['one', 'two']);

    const record = await h.record('term-1');
    expect(record).toMatchObject({ channel: 'terminal', userId: 'me' });
    expect(record.turns.map((t) => t.speaker)).toEqual(['user', 'bot', 'user', 'bot']);
    expect(h.generator.calls[1].context.map((t) => t.text)).toEqual(['one', 'You said: one', 'two']);
  });

  it('piped: prints an empty line while a human holds the conversation, keeping one line per input', async () => {
    const h = createHarness();

    const printed = await chat(h, ['/agent', 'hello?', '/bot', 'hi']);

    expect(printed.split('\n').slice(0, -1)).toEqual([h.engine.options.messages.handoffRequested, '', h.engine.options.messages.backToBot, 'You said: hi']);
  });

  it('with nobody to take over, /agent says so and how else to reach the shop, and the bot keeps answering', async () => {
    const h = createHarness({ agents: false, options: { contactText: 'Write to help@shop.example.' } });

    const printed = await chat(h, ['hello', '/agent', 'are you still there?']);

    const lines = printed.split('\n').slice(0, -1);
    expect(lines[1]).toContain('no person to take over');
    expect(lines[1]).toContain('Write to help@shop.example.');
    expect(lines[2]).toBe('You said: are you still there?');
    expect((await h.record('term-1')).handoff.state).toBe('none');
  });

  it('interactive: streams replies after a bot> prompt, shows what agents send, and /quit leaves', async () => {
    // Arrange: an agents' side that accepts every request and says hello
    const h = createHarness({ script: inOrder('Sure thing.') });
    h.engine.on('handoff', async (e) => {
      if (e.state !== 'requested') return;
      await h.engine.agent.accept(e.conversationId, 'alice');
      await h.engine.agent.send(e.conversationId, 'alice', 'Alice here.');
    });
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk) => (printed += chunk));
    const done = runTerminalChat({ engine: h.engine, input, output, interactive: true, conversationId: 'term-1', userId: 'me' });

    // Act
    input.write('hello\n');
    await until(() => printed.includes('Sure thing.'));
    input.write('/agent\n');
    await until(() => printed.includes('Alice here.'));
    input.write('/quit\nnever read\n');
    await done;

    // Assert
    expect(printed).toContain('bot> Sure thing.\n');
    expect(printed).toContain(`bot> ${h.engine.options.messages.handoffRequested}\n`);
    expect(printed).toContain(`bot> ${h.engine.options.messages.handoffAccepted}\n`);
    expect(printed).toContain('agent> Alice here.\n');
    expect((await h.record('term-1')).turns.some((t) => t.text === 'never read')).toBe(false);
  });
});

/** Connecting, reconnecting and stopping the Discord adapter (real discord.js against the stand-in). */
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/index.ts';
import { createEngine, createMemoryStore } from '../../src/index.ts';
import { createGate, createScriptedGenerator, echo } from '../engine/helpers/scripted-generator.ts';
import { rejectionOf } from '../helpers/errors.ts';
import { answersTo, startDiscordSetup, type DiscordSetup } from './helpers.ts';
import { startDiscordStandIn, type DiscordStandIn } from './stand-in.ts';

describe('discord adapter: connection', () => {
  let s: DiscordSetup | undefined;
  let standIn: DiscordStandIn | undefined;
  afterEach(async () => {
    await s?.close();
    await standIn?.close();
    s = undefined;
    standIn = undefined;
  });

  it('reconnects after the gateway drops, answering messages sent after and during the outage', async () => {
    s = await startDiscordSetup();
    const ann = s.standIn.user('ann');
    const dm = s.standIn.dmChannel(ann);
    const reconnected = s.standIn.counts.resume + s.standIn.counts.identify;

    s.standIn.dropSocket();
    // sent while the socket is down: the stand-in replays it when the client resumes
    const during = await s.standIn.send({ channelId: dm, author: ann, content: 'are you still there?' });
    const after = await s.standIn.send({ channelId: dm, author: ann, content: 'hello again' });
    await s.adapter.whenIdle();

    expect(s.standIn.counts.resume + s.standIn.counts.identify).toBeGreaterThan(reconnected);
    expect(answersTo(s, during).map((m) => m.content)).toEqual(['You said: are you still there?']);
    expect(answersTo(s, after).map((m) => m.content)).toEqual(['You said: hello again']);
  });

  it('rejects a token the REST API refuses with an error naming DISCORD_TOKEN', async () => {
    standIn = await startDiscordStandIn();
    const adapter = createDiscordAdapter({ token: 'not-the-token', apiUrl: standIn.apiUrl });
    const engine = createEngine({ generator: createScriptedGenerator(echo), store: createMemoryStore(), tickIntervalMs: false });

    const err = await rejectionOf(adapter.start(engine));

    expect(err.code).toBe('colloquy_discord_token_invalid');
    expect(err.message).toContain('DISCORD_TOKEN');
    expect(standIn.openSockets()).toBe(0);
  });

  it('rejects a token the gateway refuses (close code 4004) with an error naming DISCORD_TOKEN', async () => {
    standIn = await startDiscordStandIn({ badTokenAt: 'gateway' });
    const adapter = createDiscordAdapter({ token: 'revoked-token', apiUrl: standIn.apiUrl });
    const engine = createEngine({ generator: createScriptedGenerator(echo), store: createMemoryStore(), tickIntervalMs: false });

    const err = await rejectionOf(adapter.start(engine));

    expect(err.code).toBe('colloquy_discord_token_invalid');
    expect(err.message).toContain('DISCORD_TOKEN');
    await standIn.waitFor(() => standIn!.openSockets() === 0, 10_000, 'the refused socket to close');
  });

  it('refuses an empty token before connecting, and says when Discord cannot be reached', async () => {
    const engine = createEngine({ generator: createScriptedGenerator(echo), store: createMemoryStore(), tickIntervalMs: false });

    const empty = await rejectionOf(createDiscordAdapter({ token: ' ' }).start(engine));
    const unreachable = await rejectionOf(createDiscordAdapter({ token: 'x', apiUrl: 'http://127.0.0.1:9/api' }).start(engine));

    expect(empty.code).toBe('colloquy_discord_token_missing');
    expect(empty.message).toContain('DISCORD_TOKEN');
    expect(unreachable.code).toBe('colloquy_discord_connect_failed');
  });

  it('stop() lets a reply in flight finish, then disconnects and stops following the engine', async () => {
    const { gate, open } = createGate();
    s = await startDiscordSetup({ script: (context, call) => (call === 0 ? { text: 'worth the wait', gate } : echo(context, call)) });
    const ann = s.standIn.user('ann');
    const dm = s.standIn.dmChannel(ann);
    const sent = await s.standIn.send({ channelId: dm, author: ann, content: 'slow one' });

    const stopping = s.adapter.stop();
    open();
    await stopping;

    expect(answersTo(s, sent).map((m) => m.content)).toEqual(['worth the wait']);
    await s.standIn.waitFor(() => s!.standIn.openSockets() === 0, 10_000, 'the client to disconnect');
    const calls = s.standIn.calls.length;
    await s.engine.requestHandoff(`discord:dm:${dm}`, 'api');
    await new Promise((r) => setTimeout(r, 200));
    expect(s.standIn.calls.length).toBe(calls);
  });

  it('starts with a warning naming DISCORD_AGENTS_CHANNEL when the agents channel does not exist', async () => {
    s = await startDiscordSetup({ adapter: { agentsChannelId: '1999999999999999999' } });

    expect(s.logger.lines.find(([level]) => level === 'warn')).toEqual([
      'warn',
      'discord: the agents channel was not found; hand-offs will not be announced',
      expect.objectContaining({ hint: expect.stringContaining('DISCORD_AGENTS_CHANNEL') }),
    ]);
  });
});

/** Streaming by edits, throttling, long replies and fallbacks on Discord (real discord.js against the stand-in). */
import { afterEach, describe, expect, it } from 'vitest';
import { answersTo, createPacedGenerator, recordOf, startDiscordSetup, type DiscordSetup } from './helpers.ts';

const words = (n: number, prefix = 'word') => Array.from({ length: n }, (_, i) => `${prefix}${i}`).join(' ');

describe('discord adapter: streaming', () => {
  let s: DiscordSetup | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('replies with the first tokens, then edits the reply, spaced by the edit interval, ending on the logged text', async () => {
    const interval = 400;
    const text = words(40);
    s = await startDiscordSetup({ generator: createPacedGenerator(text, 50), adapter: { editIntervalMs: interval } });
    const ann = s.standIn.user('ann');
    const dm = s.standIn.dmChannel(ann);

    const sent = await s.standIn.send({ channelId: dm, author: ann, content: 'tell me a long story' });
    await s.adapter.whenIdle();

    const [reply, ...more] = answersTo(s, sent);
    expect(more).toEqual([]);
    const logged = (await recordOf(s, `discord:dm:${dm}`)).turns.at(-1)!;
    expect(logged.speaker).toBe('bot');
    expect(reply!.content).toBe(logged.text);
    // the first version held only the first words; every later one grew from it
    expect(reply!.history[0]!.content.length).toBeLessThan(text.length);
    for (const version of reply!.history) expect(text.startsWith(version.content)).toBe(true);
    const writes = s.standIn.calls.filter((c) => c.path === `/channels/${dm}/messages` || c.path === `/channels/${dm}/messages/${reply!.id}`);
    expect(writes.filter((c) => c.method === 'PATCH').length).toBeGreaterThanOrEqual(2);
    // throttled: edits start at least `interval` apart; they arrive here after a varying delay (the first
    // request also opens the connection), so allow half of it — unthrottled they would come every 50 ms
    for (let i = 1; i < writes.length; i++) expect(writes[i]!.at - writes[i - 1]!.at).toBeGreaterThanOrEqual(interval / 2);
  });

  it('sends a reply complete before the first edit is due as one message, never edited', async () => {
    // about 80 ms of streaming: still generating after its first piece, done long before the first edit is due
    const text = words(8, 'quick');
    s = await startDiscordSetup({ generator: createPacedGenerator(text, 10), adapter: { editIntervalMs: 2_000 } });
    const ann = s.standIn.user('ann');
    const dm = s.standIn.dmChannel(ann);

    const sent = await s.standIn.send({ channelId: dm, author: ann, content: 'a quick one' });
    await s.adapter.whenIdle();

    const [reply, ...more] = answersTo(s, sent);
    expect(more).toEqual([]);
    expect(reply!.history.map((v) => v.content)).toEqual([text]);
    expect(s.standIn.calls.filter((c) => c.method === 'PATCH')).toEqual([]);
  });

  it('splits a reply over 2,000 characters into messages of at most 2,000, in order, losing nothing', async () => {
    const text = words(450, 'parcel'); // about 4,400 characters
    s = await startDiscordSetup({ script: () => ({ text }) });
    const ann = s.standIn.user('ann');
    const dm = s.standIn.dmChannel(ann);

    const sent = await s.standIn.send({ channelId: dm, author: ann, content: 'everything please' });
    await s.adapter.whenIdle();

    const parts = answersTo(s, sent);
    expect(parts.length).toBe(3);
    expect(parts.slice(1).every((p) => p.history.length === 1)).toBe(true); // follow-ups are sent whole
    for (const part of parts) for (const version of part.history) expect(version.content.length).toBeLessThanOrEqual(2000);
    expect(parts.map((p) => p.content).join(' ')).toBe(text);
    expect((await recordOf(s, `discord:dm:${dm}`)).turns.at(-1)?.text).toBe(text);
    expect(s.standIn.calls.filter((c) => c.status >= 400)).toEqual([]);
  });

  it('replaces the streamed text with the fallback text when the model was not confident', async () => {
    const generated = words(12, 'unsure');
    s = await startDiscordSetup({ generator: createPacedGenerator(generated, 20, -9), engineOptions: { confidenceThreshold: -2, fallbackText: 'Sorry, could you put that another way?' } });
    const ann = s.standIn.user('ann');
    const dm = s.standIn.dmChannel(ann);

    const sent = await s.standIn.send({ channelId: dm, author: ann, content: 'qwzx?' });
    await s.adapter.whenIdle();

    const [reply] = answersTo(s, sent);
    expect(reply!.history[0]!.content.startsWith('unsure0')).toBe(true);
    expect(reply!.content).toBe('Sorry, could you put that another way?');
    expect((await recordOf(s, `discord:dm:${dm}`)).turns.at(-1)).toMatchObject({ speaker: 'bot', fallback: true, text: reply!.content });
  });

  it('logs a failed REST call while replying, stays up and answers the next message', async () => {
    s = await startDiscordSetup();
    const ann = s.standIn.user('ann');
    const dm = s.standIn.dmChannel(ann);
    let refusing = true; // e.g. the bot lost the permission to post, then got it back
    s.standIn.fail({ method: 'POST', path: new RegExp(`^/channels/${dm}/messages$`), status: 403, when: () => refusing });

    const first = await s.standIn.send({ channelId: dm, author: ann, content: 'first try' });
    await s.adapter.whenIdle();
    refusing = false;
    const second = await s.standIn.send({ channelId: dm, author: ann, content: 'second try' });
    await s.adapter.whenIdle();

    expect(answersTo(s, first)).toEqual([]);
    expect(s.logger.lines.some(([level, msg]) => level === 'error' && msg === 'discord: could not show the reply')).toBe(true);
    expect(answersTo(s, second).map((m) => m.content)).toEqual(['You said: second try']);
  });

  it('retries the final text when a streaming write failed, so the user still sees the whole reply', async () => {
    s = await startDiscordSetup({ generator: createPacedGenerator(words(10, 'box'), 30), adapter: { editIntervalMs: 100 } });
    const ann = s.standIn.user('ann');
    const dm = s.standIn.dmChannel(ann);
    s.standIn.fail({ method: 'POST', path: new RegExp(`^/channels/${dm}/messages$`), status: 500, times: 2 }); // the first write, and the client's one retry

    const sent = await s.standIn.send({ channelId: dm, author: ann, content: 'count boxes' });
    await s.adapter.whenIdle();

    expect(answersTo(s, sent).map((m) => m.content)).toEqual([words(10, 'box')]);
    expect(s.logger.lines.some(([level, msg]) => level === 'warn' && msg === 'discord: streaming edit failed')).toBe(true);
  });

  it('keeps the typing indicator up while a long reply is generated', async () => {
    s = await startDiscordSetup({ generator: createPacedGenerator(words(20, 'slow'), 50), adapter: { typingIntervalMs: 200 } });
    const ann = s.standIn.user('ann');
    const dm = s.standIn.dmChannel(ann);

    await s.standIn.send({ channelId: dm, author: ann, content: 'take your time' });
    await s.adapter.whenIdle();
    const typed = s.standIn.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${dm}/typing`).length;
    await new Promise((r) => setTimeout(r, 500));

    expect(typed).toBeGreaterThanOrEqual(3);
    // and it stops with the reply
    expect(s.standIn.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${dm}/typing`).length).toBe(typed);
  });
});

/** Who the Discord adapter answers, where, and under which conversation id (real discord.js against the stand-in). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answersTo, recordOf, startDiscordSetup, type DiscordSetup } from './helpers.ts';

describe('discord adapter: answering', () => {
  let s: DiscordSetup;
  beforeEach(async () => {
    s = await startDiscordSetup();
  });
  afterEach(async () => {
    await s.close();
  });

  it('answers a direct message in the DM, logged as discord:dm:<channel>', async () => {
    const ann = s.standIn.user('ann');
    const dm = s.standIn.dmChannel(ann);

    const sent = await s.standIn.send({ channelId: dm, author: ann, content: 'where is my order?' });
    await s.adapter.whenIdle();

    expect(answersTo(s, sent).map((m) => m.content)).toEqual(['You said: where is my order?']);
    const record = await recordOf(s, `discord:dm:${dm}`);
    expect(record).toMatchObject({ channel: 'discord', userId: ann.id });
    expect(record.turns.map((t) => [t.speaker, t.text])).toEqual([
      ['user', 'where is my order?'],
      ['bot', 'You said: where is my order?'],
    ]);
  });

  it('answers a mention in a guild channel with the mention stripped, logged as discord:<guild>:<channel>', async () => {
    const ben = s.standIn.user('ben');
    const { bot, general, guildId } = s.standIn;

    const sent = await s.standIn.send({ channelId: general, author: ben, content: `<@${bot.id}> do you ship to Norway?`, mentions: [bot] });
    await s.adapter.whenIdle();

    expect(answersTo(s, sent).map((m) => m.content)).toEqual(['You said: do you ship to Norway?']);
    const record = await recordOf(s, `discord:${guildId}:${general}`);
    expect(record.turns[0]).toMatchObject({ speaker: 'user', text: 'do you ship to Norway?', userId: ben.id });
  });

  it('stays out of guild conversations that do not mention it', async () => {
    const ben = s.standIn.user('ben');

    await s.standIn.send({ channelId: s.standIn.general, author: ben, content: 'anyone seen my parcel?' });
    await s.adapter.whenIdle();

    expect(s.standIn.botMessages(s.standIn.general)).toEqual([]);
    expect(await s.store.get(`discord:${s.standIn.guildId}:${s.standIn.general}`)).toBeUndefined();
  });

  it('answers a mention in a thread inside that thread, as the thread’s own conversation', async () => {
    const cat = s.standIn.user('cat');
    const { bot, thread, guildId } = s.standIn;

    const sent = await s.standIn.send({ channelId: thread, author: cat, content: `<@!${bot.id}> can I return shoes?`, mentions: [bot] });
    await s.adapter.whenIdle();

    expect(answersTo(s, sent).map((m) => [m.channelId, m.content])).toEqual([[thread, 'You said: can I return shoes?']]);
    expect(s.standIn.botMessages(s.standIn.general)).toEqual([]);
    expect((await recordOf(s, `discord:${guildId}:${thread}`)).turns[0]?.text).toBe('can I return shoes?');
  });

  it('ignores other bots, even when they mention it, and its own messages', async () => {
    const otherBot = { id: '1100000000000000001', username: 'other-bot', bot: true };
    const { bot, general } = s.standIn;
    const dm = s.standIn.dmChannel(s.standIn.user('ann'));

    await s.standIn.send({ channelId: general, author: otherBot, content: `<@${bot.id}> hello bot`, mentions: [bot] });
    await s.standIn.send({ channelId: dm, author: bot, content: 'an echo of my own message' });
    await s.adapter.whenIdle();

    expect(s.standIn.messages.filter((m) => m.author.id === bot.id && m.content.startsWith('You said'))).toEqual([]);
    expect(await s.store.get(`discord:${s.standIn.guildId}:${general}`)).toBeUndefined();
    expect(await s.store.get(`discord:dm:${dm}`)).toBeUndefined();
  });

  it('shows the typing indicator in the channel before the reply', async () => {
    const ann = s.standIn.user('ann');
    const dm = s.standIn.dmChannel(ann);

    await s.standIn.send({ channelId: dm, author: ann, content: 'hello' });
    await s.adapter.whenIdle();

    const calls = s.standIn.calls.filter((c) => c.path.startsWith(`/channels/${dm}/`)).map((c) => `${c.method} ${c.path.replace(dm, ':dm')}`);
    expect(calls[0]).toBe('POST /channels/:dm/typing');
    expect(calls).toContain('POST /channels/:dm/messages');
  });

  it('never pings @everyone or roles with text the bot repeats', async () => {
    const ann = s.standIn.user('ann');
    const dm = s.standIn.dmChannel(ann);

    await s.standIn.send({ channelId: dm, author: ann, content: '@everyone look' });
    await s.adapter.whenIdle();

    const writes = s.standIn.calls.filter((c) => c.path.startsWith(`/channels/${dm}/messages`));
    expect(writes.at(-1)?.body).toMatchObject({ content: 'You said: @everyone look' });
    for (const write of writes) expect(write.body).toMatchObject({ allowed_mentions: { parse: [] } });
  });
});

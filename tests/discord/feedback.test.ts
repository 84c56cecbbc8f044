/** 👍/👎 reactions on the bot's Discord messages become feedback on the logged turn (real lowdb store). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answersTo, recordOf, startDiscordSetup, type DiscordSetup } from './helpers.ts';

describe('discord adapter: feedback from reactions', () => {
  let s: DiscordSetup;
  beforeEach(async () => {
    s = await startDiscordSetup({ script: (_context, call) => ({ text: `answer number ${call + 1}` }) });
  });
  afterEach(async () => {
    await s.close();
  });

  it('stores 👍 and 👎 (any skin tone) on the bot turn of the message reacted to', async () => {
    const ann = s.standIn.user('ann');
    const dm = s.standIn.dmChannel(ann);
    await s.standIn.send({ channelId: dm, author: ann, content: 'one' });
    await s.adapter.whenIdle();
    const q2 = await s.standIn.send({ channelId: dm, author: ann, content: 'two' });
    await s.adapter.whenIdle();
    const second = answersTo(s, q2)[0]!;

    await s.standIn.react({ messageId: second.id, user: ann, emoji: '👎🏽' });
    await s.adapter.whenIdle();

    const bots = (await recordOf(s, `discord:dm:${dm}`)).turns.filter((t) => t.speaker === 'bot');
    expect(bots.map((t) => [t.text, t.feedback?.value, t.feedback?.by])).toEqual([
      ['answer number 1', undefined, undefined],
      ['answer number 2', 'down', ann.id],
    ]);

    await s.standIn.react({ messageId: second.id, user: ann, emoji: '👍' });
    await s.adapter.whenIdle();
    expect((await recordOf(s, `discord:dm:${dm}`)).turns.filter((t) => t.speaker === 'bot')[1]?.feedback?.value).toBe('up');
  });

  it('takes feedback in guild channels, and ignores other emoji, bots’ reactions and messages that are not replies', async () => {
    const ben = s.standIn.user('ben');
    const { bot, general, guildId } = s.standIn;
    const q = await s.standIn.send({ channelId: general, author: ben, content: `<@${bot.id}> hi`, mentions: [bot] });
    await s.adapter.whenIdle();
    const reply = answersTo(s, q)[0]!;

    await s.standIn.react({ messageId: reply.id, user: ben, emoji: '🎉' });
    await s.standIn.react({ messageId: reply.id, user: bot, emoji: '👍' });
    await s.standIn.react({ messageId: q.id, user: ben, emoji: '👎' });
    await s.adapter.whenIdle();
    expect((await recordOf(s, `discord:${guildId}:${general}`)).turns.some((t) => t.feedback)).toBe(false);

    await s.standIn.react({ messageId: reply.id, user: ben, emoji: '👍' });
    await s.adapter.whenIdle();
    expect((await recordOf(s, `discord:${guildId}:${general}`)).turns.find((t) => t.feedback)).toMatchObject({ speaker: 'bot', text: 'answer number 1', feedback: { value: 'up' } });
  });
});

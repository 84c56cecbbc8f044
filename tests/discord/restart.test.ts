/**
 * What the Discord bot knew before a restart still holds after it: a 👍 on a
 * reply sent before counts, and the same message delivered again (a resumed
 * gateway, another instance) is not answered a second time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answersTo, recordOf, startDiscordSetup, type DiscordSetup } from './helpers.ts';

describe('discord adapter across a restart', () => {
  let s: DiscordSetup;
  beforeEach(async () => {
    s = await startDiscordSetup({ script: (_context, call) => ({ text: `answer number ${call + 1}` }) });
  });
  afterEach(async () => {
    await s.close();
  });

  for (const where of ['dm', 'guild'] as const) {
    it(`stores a reaction on a reply sent before the restart, and answers a duplicate delivery once (${where})`, async () => {
      const ann = s.standIn.user('ann');
      const { bot, general, guildId } = s.standIn;
      const channelId = where === 'dm' ? s.standIn.dmChannel(ann) : general;
      const content = where === 'dm' ? 'do you ship to Norway?' : `<@${bot.id}> do you ship to Norway?`;
      const question = await s.standIn.send({ channelId, author: ann, content, ...(where === 'dm' ? {} : { mentions: [bot] }) });
      await s.adapter.whenIdle();
      const reply = answersTo(s, question)[0]!;

      await s.restart();

      await s.standIn.react({ messageId: reply.id, user: ann, emoji: '👍🏽' });
      await s.standIn.redeliver(question);
      await s.adapter.whenIdle();
      const turns = (await recordOf(s, where === 'dm' ? `discord:dm:${channelId}` : `discord:${guildId}:${general}`)).turns;
      expect(turns.map((t) => [t.speaker, t.text, t.feedback?.value])).toEqual([
        ['user', 'do you ship to Norway?', undefined],
        ['bot', 'answer number 1', 'up'],
      ]);
      expect(answersTo(s, question)).toHaveLength(1);
    });
  }
});

/** Hand-off to a person through the agents channel on Discord, and back (real discord.js, engine and lowdb store). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter, HANDBACK_BUTTON_PREFIX, THREAD_NAME_PREFIX } from '../../adapters/discord/index.ts';
import { answersTo, recordOf, startDiscordSetup, type DiscordSetup } from './helpers.ts';
import type { StoredMessage } from './stand-in.ts';

describe('discord adapter: hand-off', () => {
  let s: DiscordSetup;
  beforeEach(async () => {
    s = await startDiscordSetup();
  });
  afterEach(async () => {
    await s.close();
  });

  const say = async (channelId: string, author: { id: string; username: string }, content: string): Promise<StoredMessage> => {
    const sent = await s.standIn.send({ channelId, author, content });
    await s.adapter.whenIdle();
    return sent;
  };
  /** Bot messages in a channel that are not answers (pushed). */
  const pushed = (channelId: string) => s.standIn.botMessages(channelId).filter((m) => !m.replyTo).map((m) => m.content);
  const announcements = () => s.standIn.botMessages(s.standIn.agents);

  it('announces the request with a thread; the agent answers there, the user’s messages reach the thread, /bot gives it back', async () => {
    const ann = s.standIn.user('ann');
    const dana = s.standIn.user('dana');
    const dm = s.standIn.dmChannel(ann);
    const id = `discord:dm:${dm}`;
    const m = s.engine.options.messages;
    await say(dm, ann, 'hello');

    // the user asks for a person
    const ask = await say(dm, ann, '/agent');
    expect(answersTo(s, ask).map((x) => x.content)).toEqual([m.handoffRequested]);
    const [announcement] = announcements();
    expect(announcement!.content).toContain(`<@${ann.id}> in a direct message`);
    expect(announcement!.content).toContain(`\`${id}\``);
    expect(announcement!.content).toContain('> user: hello\n> bot: You said: hello\n> user: /agent');
    expect(JSON.stringify(announcement!.components)).toContain(HANDBACK_BUTTON_PREFIX + id);
    const thread = s.standIn.channel(announcement!.id);
    expect(thread).toMatchObject({ type: 11, parentId: s.standIn.agents, name: THREAD_NAME_PREFIX + id });

    // the user writes while waiting: the bot is silent (no typing either), the thread sees it
    const typingBefore = s.standIn.calls.filter((c) => c.path === `/channels/${dm}/typing`).length;
    const waiting = await say(dm, ann, 'my card was charged twice');
    expect(answersTo(s, waiting)).toEqual([]);
    expect(s.standIn.calls.filter((c) => c.path === `/channels/${dm}/typing`).length).toBe(typingBefore);
    expect(s.standIn.botMessages(thread!.id).map((x) => x.content)).toEqual([`**User** <@${ann.id}>: my card was charged twice`]);

    // an agent answers in the thread: they take the conversation and the user hears from them
    await say(thread!.id, dana, 'Hi, this is Dana. Let me check that charge.');
    expect(pushed(dm)).toEqual([m.handoffAccepted, '**dana** (agent): Hi, this is Dana. Let me check that charge.']);
    const held = await recordOf(s, id);
    expect(held.handoff).toMatchObject({ state: 'accepted', agentId: dana.id });
    expect(held.turns.filter((t) => t.speaker === 'agent').map((t) => [t.agentId, t.text])).toEqual([[dana.id, 'Hi, this is Dana. Let me check that charge.']]);

    // a second agent cannot barge in
    const eve = s.standIn.user('eve');
    const barge = await say(thread!.id, eve, 'I can help too');
    expect(answersTo(s, barge)[0]?.content).toMatch(/^Not delivered: .*already with agent/);
    expect(pushed(dm)).toHaveLength(2);

    // /bot in the thread gives the conversation back
    await say(thread!.id, dana, '/bot');
    expect(pushed(dm).at(-1)).toBe(m.handoffClosed);
    expect(s.standIn.botMessages(thread!.id).at(-1)?.content).toBe('Back with the bot: an agent gave it back.');
    const back = await say(dm, ann, 'thanks');
    expect(answersTo(s, back).map((x) => x.content)).toEqual(['You said: thanks']);
    expect((await recordOf(s, id)).handoff.state).toBe('closed');

    // the thread of a finished hand-off no longer reaches the user
    const late = await say(thread!.id, dana, 'one more thing');
    expect(answersTo(s, late)[0]?.content).toMatch(/^This hand-off is over/);
    expect(pushed(dm).at(-1)).toBe(m.handoffClosed);
  });

  it('gives a guild conversation back to the bot with the announcement’s button', async () => {
    const ben = s.standIn.user('ben');
    const dana = s.standIn.user('dana');
    const { bot, general, guildId } = s.standIn;
    const id = `discord:${guildId}:${general}`;

    await s.standIn.send({ channelId: general, author: ben, content: `<@${bot.id}> /agent`, mentions: [bot] });
    await s.adapter.whenIdle();
    const [announcement] = announcements();
    expect(announcement!.content).toContain(`<@${ben.id}> in <#${general}>`);
    await say(announcement!.id, dana, 'Dana here');

    await s.standIn.click({ messageId: announcement!.id, user: dana, customId: HANDBACK_BUTTON_PREFIX + id });
    await s.adapter.whenIdle();

    expect((await recordOf(s, id)).handoff).toMatchObject({ state: 'closed' });
    expect(s.standIn.calls.some((c) => c.method === 'POST' && /^\/interactions\/\d+\/[^/]+\/callback$/.test(c.path))).toBe(true);
    expect(pushed(general)).toEqual([s.engine.options.messages.handoffAccepted, '**dana** (agent): Dana here', s.engine.options.messages.handoffClosed]);
  });

  it('delivers notices of a hand-off the engine asked for itself, and announces it', async () => {
    const ann = s.standIn.user('ann');
    const dm = s.standIn.dmChannel(ann);
    await say(dm, ann, 'hello');

    await s.engine.requestHandoff(`discord:dm:${dm}`, 'api');
    await s.adapter.whenIdle();

    expect(pushed(dm)).toEqual([s.engine.options.messages.handoffRequested]);
    expect(announcements()[0]?.content).toContain('requested by the system');
  });

  it('still routes an agent’s message in a hand-off thread after the adapter restarts', async () => {
    const ann = s.standIn.user('ann');
    const dana = s.standIn.user('dana');
    const dm = s.standIn.dmChannel(ann);
    await say(dm, ann, '/agent');
    const [announcement] = announcements();
    await s.adapter.stop();
    const restarted = createDiscordAdapter({ token: s.standIn.token, apiUrl: s.standIn.apiUrl, agentsChannelId: s.standIn.agents, editIntervalMs: 100 });
    await restarted.start(s.engine);
    try {
      await s.standIn.send({ channelId: announcement!.id, author: dana, content: 'Sorry for the wait!' });
      await restarted.whenIdle();

      expect(pushed(dm)).toEqual([s.engine.options.messages.handoffAccepted, '**dana** (agent): Sorry for the wait!']);
    } finally {
      await restarted.stop();
    }
  });
});

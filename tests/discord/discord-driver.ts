/**
 * Conformance driver for the Discord channel: the real adapter (discord.js)
 * connected to the Discord stand-in on 127.0.0.1. Each user talks to the bot
 * in their own DM channel; `say` dispatches MESSAGE_CREATE through the
 * gateway and reads the bot's answer — its replies to that message, in their
 * final state after the streaming edits — from what the stand-in recorded.
 * Pushed messages are the bot's other (non-reply) messages in the DM. The
 * agents' side is a message in the hand-off thread the adapter opened in the
 * agents channel; handing back is `/bot` there.
 */
import { createDiscordAdapter, THREAD_NAME_PREFIX, type DiscordAdapter } from '../../adapters/discord/index.ts';
import type { Engine } from '../../src/engine/types.ts';
import type { ConformanceDriver } from '../conformance/driver.ts';
import { startDiscordStandIn, type DiscordStandIn, type StoredMessage } from './stand-in.ts';

export interface DiscordDriverOptions {
  /** Minimum time between streaming edits (short, so scenarios run quickly). */
  editIntervalMs?: number;
}

export function createDiscordDriver({ editIntervalMs = 50 }: DiscordDriverOptions = {}): ConformanceDriver {
  let standIn: DiscordStandIn | undefined;
  let adapter: DiscordAdapter | undefined;
  let engine: Engine | undefined;
  /** Pushed messages already read, per user. */
  const pushedRead = new Map<string, number>();
  /** The bot message each user saw last as an answer (what they react to). */
  const lastAnswer = new Map<string, string>();

  const need = () => {
    if (!standIn || !adapter || !engine) throw new Error('discord driver: start() first');
    return { standIn, adapter, engine };
  };
  const dmOf = (user: string) => need().standIn.dmChannel(need().standIn.user(user));
  const pushedTo = (user: string): StoredMessage[] => need().standIn.botMessages(dmOf(user)).filter((m) => !m.replyTo);

  /** The hand-off thread for `user`'s conversation (the latest one the adapter opened). */
  const threadOf = (user: string): string => {
    const s = need().standIn;
    const name = THREAD_NAME_PREFIX + `discord:dm:${dmOf(user)}`;
    const threads = s.messages.filter((m) => m.channelId === s.agents && s.channel(m.id)?.name === name);
    const last = threads.at(-1);
    if (!last) throw new Error(`discord driver: no hand-off thread for ${user} in the agents channel`);
    return last.id;
  };

  /** An agent writes in `user`'s hand-off thread; resolves when the adapter has acted on it. */
  const agentWrites = async (user: string, text: string) => {
    const { standIn: s, adapter: a } = need();
    await s.send({ channelId: threadOf(user), author: s.user('agent-dana'), content: text });
    await a.whenIdle();
  };

  return {
    name: 'discord',

    async start(e) {
      standIn = await startDiscordStandIn();
      adapter = createDiscordAdapter({ token: standIn.token, apiUrl: standIn.apiUrl, agentsChannelId: standIn.agents, editIntervalMs });
      engine = e;
      await adapter.start(e);
    },

    async stop() {
      try {
        await adapter?.stop();
      } finally {
        await standIn?.close();
        adapter = undefined;
        standIn = undefined;
      }
    },

    conversationId: (user) => `discord:dm:${dmOf(user)}`,

    async say(user, text) {
      const { standIn: s, adapter: a } = need();
      const author = s.user(user);
      // `send` resolves once discord.js has the message, so the adapter's work on it is in flight
      const sent = await s.send({ channelId: dmOf(user), author, content: text });
      await a.whenIdle();
      const answer = s.botMessages(sent.channelId).filter((m) => m.replyTo === sent.id);
      if (answer.length) lastAnswer.set(user, answer[0]!.id);
      return answer.map((m) => m.content).join('\n');
    },

    async feedback(user, value) {
      const { standIn: s, adapter: a } = need();
      const messageId = lastAnswer.get(user);
      if (!messageId) throw new Error(`discord driver: ${user} has no reply to react to`);
      await s.react({ messageId, user: s.user(user), emoji: value === 'up' ? '👍' : '👎' });
      await a.whenIdle();
    },

    agentSays: (user, text) => agentWrites(user, text),

    handBack: (user) => agentWrites(user, need().engine.options.commands.bot),

    async nextPushed(user, timeoutMs = 5000) {
      const s = need().standIn;
      const read = pushedRead.get(user) ?? 0;
      const next = await s.waitFor(() => pushedTo(user)[read], timeoutMs, `a message pushed to ${user}`);
      pushedRead.set(user, read + 1);
      return next.content;
    },
  };
}

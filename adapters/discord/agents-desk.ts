/**
 * The agents' side of a hand-off on Discord. A request is announced in the
 * agents channel (who, where, the last few lines) with a thread on the
 * announcement; an agent's message in that thread takes the conversation and
 * reaches the user; `/bot` there, or the announcement's button, gives it back.
 * While a person is involved, the user's messages are copied into the thread.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, MessageFlags, type ButtonInteraction, type Client, type Message } from 'discord.js';
import { isColloquyError, type Engine, type HandoffEvent, type HandoffState, type Logger } from '../../src/index.ts';
import { createRecentMap } from '../../src/index.ts';
import { channelOfConversation, DISCORD_CHANNEL, isDmConversation } from './conversation-id.ts';
import { errorText } from '../../src/index.ts';
import { sendToChannel, type Pusher } from './push.ts';
import { stripMention } from './mention.ts';
import { DISCORD_MESSAGE_LIMIT } from './split-message.ts';

/** Lines of recent conversation shown in an announcement. */
const RECENT_LINES = 6;
/** Characters of one line shown in an announcement. */
const LINE_CHARS = 200;
/** Conversations whose recent lines and hand-off state are remembered. */
const REMEMBERED = 5000;
/** Prefix of the announcement button's custom id; the conversation id follows. */
export const HANDBACK_BUTTON_PREFIX = 'colloquy:handback:';
/** Thread names carry the conversation id after this prefix, so threads still route after a restart. */
export const THREAD_NAME_PREFIX = 'hand-off ';

export interface AgentsDeskInput {
  client: Client;
  engine: Engine;
  /** The agents channel; without it hand-offs are logged but not announced. */
  agentsChannelId?: string;
  pusher: Pusher;
  logger: Logger;
  /** Registers work so `stop()` waits for it. */
  track(work: Promise<unknown>): void;
}

export interface AgentsDesk {
  /** True for the agents channel and the threads in it (the bot does not answer there). */
  owns(message: Message): boolean;
  /** An agent wrote in the agents channel. */
  onAgentMessage(message: Message): Promise<void>;
  /** An agent pressed a button; false when it is not one of ours. */
  onButton(interaction: ButtonInteraction): Promise<boolean>;
  /** True while a person is asked for or holds the conversation (the bot stays silent). */
  isHeld(conversationId: string): boolean;
  /** Subscribes to the engine's hooks; returns the unsubscribe function. */
  subscribe(): () => void;
}

export function createAgentsDesk({ client, engine, agentsChannelId, pusher, logger, track }: AgentsDeskInput): AgentsDesk {
  const states = createRecentMap<HandoffState>({ max: REMEMBERED, ttlMs: Infinity });
  const recent = createRecentMap<string[]>({ max: REMEMBERED, ttlMs: Infinity });
  const threadOf = createRecentMap<string>({ max: REMEMBERED, ttlMs: Infinity });
  const conversationOf = createRecentMap<string>({ max: REMEMBERED, ttlMs: Infinity });

  const remember = (conversationId: string, line: string) => {
    const lines = [...(recent.get(conversationId) ?? []), clip(line, LINE_CHARS)].slice(-RECENT_LINES);
    recent.set(conversationId, lines);
  };

  const postInThread = async (conversationId: string, text: string) => {
    const threadId = threadOf.get(conversationId);
    if (!threadId) return;
    try {
      await sendToChannel(client, threadId, text);
    } catch (err) {
      logger.error('discord: could not post in the hand-off thread', { conversationId, error: errorText(err) });
    }
  };

  const announce = async (event: HandoffEvent, lines: string[]) => {
    if (!agentsChannelId) {
      logger.warn('discord: hand-off requested but no agents channel is set (DISCORD_AGENTS_CHANNEL)', { conversationId: event.conversationId });
      return;
    }
    const where = isDmConversation(event.conversationId) ? 'a direct message' : `<#${channelOfConversation(event.conversationId)}>`;
    const content = clip(
      [
        `**Hand-off requested** (${REASONS[event.handoff.reason ?? 'api']}) — <@${event.userId}> in ${where}`,
        `Conversation \`${event.conversationId}\``,
        ...lines.map((l) => `> ${l}`),
        `Reply in this thread to answer; your first reply takes the conversation. \`${engine.options.commands.bot}\` or the button gives it back to the bot.`,
      ].join('\n'),
      DISCORD_MESSAGE_LIMIT,
    );
    try {
      const channel = await client.channels.fetch(agentsChannelId);
      if (!channel || !channel.isTextBased() || channel.isDMBased() || channel.isThread()) throw new Error(`${agentsChannelId} is not a guild text channel`);
      const button = new ButtonBuilder().setCustomId(HANDBACK_BUTTON_PREFIX + event.conversationId).setLabel('Give back to the bot').setStyle(ButtonStyle.Secondary);
      const announcement = await channel.send({ content, components: [new ActionRowBuilder<ButtonBuilder>().addComponents(button)] });
      const thread = await announcement.startThread({ name: THREAD_NAME_PREFIX + event.conversationId });
      threadOf.set(event.conversationId, thread.id);
      conversationOf.set(thread.id, event.conversationId);
    } catch (err) {
      logger.error('discord: could not announce a hand-off in the agents channel (DISCORD_AGENTS_CHANNEL)', { conversationId: event.conversationId, error: errorText(err) });
    }
  };

  /** The conversation a thread in the agents channel belongs to. */
  const conversationOfThread = (message: Message): string | undefined => {
    if (!message.channel.isThread()) return undefined;
    const known = conversationOf.get(message.channelId);
    if (known) return known;
    const name = message.channel.name;
    return name.startsWith(THREAD_NAME_PREFIX) && channelOfConversation(name.slice(THREAD_NAME_PREFIX.length)) ? name.slice(THREAD_NAME_PREFIX.length) : undefined;
  };

  const isBotCommand = (text: string) => text.trim().split(/\s+/, 1)[0]?.toLowerCase() === engine.options.commands.bot.toLowerCase();

  return {
    owns(message) {
      if (!agentsChannelId) return false;
      return message.channelId === agentsChannelId || (message.channel.isThread() && message.channel.parentId === agentsChannelId);
    },

    async onAgentMessage(message) {
      const conversationId = conversationOfThread(message);
      if (!conversationId) return;
      conversationOf.set(message.channelId, conversationId);
      threadOf.set(conversationId, message.channelId);
      const agentId = message.author.id;
      const text = client.user ? stripMention(message.content, client.user.id) : message.content;
      try {
        if (isBotCommand(text)) {
          await engine.agent.close(conversationId);
          return;
        }
        if (states.get(conversationId) === 'closed') {
          await message.reply({ content: `This hand-off is over: the bot has the conversation again. The user can type \`${engine.options.commands.agent}\` to ask for a person.` });
          return;
        }
        await engine.agent.accept(conversationId, agentId);
        await engine.agent.send(conversationId, agentId, text);
      } catch (err) {
        if (!isColloquyError(err)) throw err;
        logger.warn('discord: agent message refused', { conversationId, code: err.code });
        await message.reply({ content: `Not delivered: ${err.message}` }).catch((e) => logger.error('discord: could not answer the agent', { error: errorText(e) }));
      }
    },

    async onButton(interaction) {
      if (!interaction.customId.startsWith(HANDBACK_BUTTON_PREFIX)) return false;
      const conversationId = interaction.customId.slice(HANDBACK_BUTTON_PREFIX.length);
      if (!channelOfConversation(conversationId)) return false;
      await engine.agent.close(conversationId);
      await interaction.reply({ content: 'The conversation is back with the bot.', flags: MessageFlags.Ephemeral });
      return true;
    },

    isHeld(conversationId) {
      const state = states.get(conversationId);
      return state === 'requested' || state === 'accepted';
    },

    subscribe() {
      const mine = (p: { channel: string }) => p.channel === DISCORD_CHANNEL;
      const offs = [
        // with an agents channel, people answer this channel's hand-offs
        ...(agentsChannelId ? [engine.agent.join(DISCORD_CHANNEL)] : []),
        engine.on('message', (m) => {
          if (!mine(m)) return;
          remember(m.conversationId, `user: ${m.text}`);
          if ((m.handoff === 'requested' || m.handoff === 'accepted') && !m.command) track(postInThread(m.conversationId, clip(`**User** <@${m.userId}>: ${m.text}`, DISCORD_MESSAGE_LIMIT)));
        }),
        engine.on('reply', (r) => {
          if (mine(r) && r.text) remember(r.conversationId, `bot: ${r.text}`);
        }),
        engine.on('handoff', (h) => {
          if (!mine(h)) return;
          states.set(h.conversationId, h.state);
          if (h.state === 'requested') track(announce(h, recent.get(h.conversationId) ?? []));
          if (h.state === 'closed') track(postInThread(h.conversationId, `Back with the bot: ${CLOSED_BY[h.by ?? 'agent']}.`));
        }),
        engine.on('agent-message', (a) => {
          if (!mine(a)) return;
          remember(a.conversationId, `agent: ${a.text}`);
          const name = client.users.cache.get(a.agentId)?.displayName ?? a.agentId;
          track(pusher.push(a.conversationId, `**${name}** (agent): ${a.text}`));
        }),
        engine.on('notice', (n) => {
          if (!mine(n)) return;
          remember(n.conversationId, `notice: ${n.text}`);
          track(pusher.push(n.conversationId, n.text));
        }),
      ];
      return () => offs.forEach((off) => off());
    },
  };
}

const REASONS: Record<NonNullable<HandoffEvent['handoff']['reason']>, string> = {
  command: 'the user asked for a person',
  fallbacks: 'the bot could not answer',
  api: 'requested by the system',
};

const CLOSED_BY: Record<NonNullable<HandoffEvent['by']>, string> = {
  user: 'the user asked for the bot',
  agent: 'an agent gave it back',
  timeout: 'nobody took it in time',
};

/** Cuts `text` to at most `max` UTF-16 units (Discord's measure), ending in an ellipsis, never inside a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end) + '…';
}

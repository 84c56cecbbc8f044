/**
 * Discord's side of the shared hand-off desk. A request is announced in the
 * agents channel (who, where, the last few lines, a button) with a thread on
 * the announcement; an agent's message in that thread takes the conversation
 * and reaches the user; `/bot` there, or the button, gives it back. While a
 * person is involved, the user's messages are copied into the thread.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, MessageFlags, type ButtonInteraction, type Client, type Message } from 'discord.js';
import { ColloquyError, createHandoffDesk, errorText, type AgentsPlatform, type DeskNote, type Engine, type HandoffAnnouncement, type HandoffDesk, type HandoffEvent, type Logger } from '../../src/index.ts';
import { channelOfConversation, DISCORD_CHANNEL, isDmConversation } from './conversation-id.ts';
import { sendToChannel, type Pusher } from './push.ts';
import { stripMention } from './mention.ts';
import { DISCORD_MESSAGE_LIMIT } from './split-message.ts';

/** Characters of one line shown in an announcement. */
const LINE_CHARS = 200;
/** Prefix of the announcement button's custom id; the conversation id follows. */
export const HANDBACK_BUTTON_PREFIX = 'colloquy:handback:';
/** Thread names carry the conversation id after this prefix, so threads still route after a restart. */
export const THREAD_NAME_PREFIX = 'hand-off ';

export interface AgentsDeskInput {
  client: Client;
  engine: Engine;
  /** The agents channel; without it nobody answers Discord's hand-offs. */
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
  /** Connects to the engine (the shared hand-off desk); returns the disconnect function. */
  subscribe(): () => void;
}

export function createAgentsDesk({ client, engine, agentsChannelId, pusher, logger, track }: AgentsDeskInput): AgentsDesk {
  const platform: AgentsPlatform = {
    async announce(a) {
      const channel = await client.channels.fetch(agentsChannelId!);
      if (!channel || !channel.isTextBased() || channel.isDMBased() || channel.isThread()) throw new ColloquyError('config_invalid', `${agentsChannelId} is not a guild text channel (DISCORD_AGENTS_CHANNEL)`, 'Set DISCORD_AGENTS_CHANNEL to the id of a text channel on a server the bot is in.');
      const button = new ButtonBuilder().setCustomId(HANDBACK_BUTTON_PREFIX + a.conversationId).setLabel('Give back to the bot').setStyle(ButtonStyle.Secondary);
      const announcement = await channel.send({ content: announcementText(a, engine.options.commands.bot), components: [new ActionRowBuilder<ButtonBuilder>().addComponents(button)] });
      const thread = await announcement.startThread({ name: THREAD_NAME_PREFIX + a.conversationId });
      return thread.id;
    },
    async note(thread, note) {
      await sendToChannel(client, thread, noteText(note, engine.options.commands.agent));
    },
    async deliver({ conversationId, text, kind, agentId }) {
      const name = agentId ? (client.users.cache.get(agentId)?.displayName ?? agentId) : '';
      await pusher.push(conversationId, kind === 'agent-message' ? `**${name}** (agent): ${text}` : text);
    },
    conversationOfThread(threadId) {
      const channel = client.channels.cache.get(threadId);
      const name = channel?.isThread() ? channel.name : '';
      const id = name.startsWith(THREAD_NAME_PREFIX) ? name.slice(THREAD_NAME_PREFIX.length) : '';
      return channelOfConversation(id) ? id : undefined;
    },
  };
  let desk: HandoffDesk | undefined;

  return {
    owns(message) {
      if (!agentsChannelId) return false;
      return message.channelId === agentsChannelId || (message.channel.isThread() && message.channel.parentId === agentsChannelId);
    },

    async onAgentMessage(message) {
      if (!message.channel.isThread() || !desk) return;
      const text = client.user ? stripMention(message.content, client.user.id) : message.content;
      const answer = async (note: DeskNote) => {
        await message.reply({ content: noteText(note, engine.options.commands.agent) }).catch((e) => logger.error('discord: could not answer the agent', { error: errorText(e) }));
      };
      await desk.agentWrote({ thread: message.channelId, agentId: message.author.id, text, answer });
    },

    async onButton(interaction) {
      if (!interaction.customId.startsWith(HANDBACK_BUTTON_PREFIX) || !desk) return false;
      const conversationId = interaction.customId.slice(HANDBACK_BUTTON_PREFIX.length);
      if (!channelOfConversation(conversationId)) return false;
      await desk.giveBack(conversationId);
      await interaction.reply({ content: 'The conversation is back with the bot.', flags: MessageFlags.Ephemeral });
      return true;
    },

    isHeld: (conversationId) => desk?.isHeld(conversationId) ?? false,

    subscribe() {
      desk = createHandoffDesk({ engine, channel: DISCORD_CHANNEL, platform, staffed: !!agentsChannelId, logger, track });
      const connected = desk;
      return () => connected.stop();
    },
  };
}

/** The announcement: who asked, where, the last lines, what to do. */
function announcementText(a: HandoffAnnouncement, botCommand: string): string {
  const where = isDmConversation(a.conversationId) ? 'a direct message' : `<#${channelOfConversation(a.conversationId)}>`;
  return clip(
    [
      `**Hand-off requested** (${REASONS[a.reason]}) — <@${a.userId}> in ${where}`,
      `Conversation \`${a.conversationId}\``,
      ...a.turns.map((t) => `> ${clip(`${t.who}: ${t.text}`, LINE_CHARS)}`),
      `Reply in this thread to answer; your first reply takes the conversation. \`${botCommand}\` or the button gives it back to the bot.`,
    ].join('\n'),
    DISCORD_MESSAGE_LIMIT,
  );
}

/** How a desk note reads on Discord. */
function noteText(note: DeskNote, agentCommand: string): string {
  switch (note.kind) {
    case 'user-message':
      return clip(`**User** <@${note.userId}>: ${note.text}`, DISCORD_MESSAGE_LIMIT);
    case 'closed':
      return `Back with the bot: ${CLOSED_BY[note.by]}.`;
    case 'over':
      return `This hand-off is over: the bot has the conversation again. The user can type \`${agentCommand}\` to ask for a person.`;
    case 'refused':
      return `Not delivered: ${note.reason}`;
  }
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

/**
 * Discord conversation ids: one conversation per DM channel, and one per guild
 * channel or thread (a thread is its own channel id).
 */

/** The channel name Discord conversations are logged under. */
export const DISCORD_CHANNEL = 'discord';

/** `discord:dm:<channelId>` — a direct message with the bot. */
export function dmConversationId(channelId: string): string {
  return `${DISCORD_CHANNEL}:dm:${channelId}`;
}

/** `discord:<guildId>:<channelId>` — a guild text channel or thread. */
export function guildConversationId(guildId: string, channelId: string): string {
  return `${DISCORD_CHANNEL}:${guildId}:${channelId}`;
}

const CONVERSATION_ID = /^discord:(dm|\d+):(\d+)$/;

/**
 * The Discord channel (DM, text channel or thread) a conversation lives in,
 * or undefined when `conversationId` is not a Discord conversation id.
 *
 * @example
 * channelOfConversation('discord:dm:42'); // '42'
 * channelOfConversation('web:abc');       // undefined
 */
export function channelOfConversation(conversationId: string): string | undefined {
  return CONVERSATION_ID.exec(conversationId)?.[2];
}

/** True for DM conversation ids. */
export function isDmConversation(conversationId: string): boolean {
  return conversationId.startsWith(`${DISCORD_CHANNEL}:dm:`);
}

/**
 * The Discord channel: DMs and mentions answered by the engine, streamed by
 * editing the reply, 👍/👎 feedback, hand-offs through an agents channel.
 *
 * @example
 * import { createDiscordAdapter } from './adapters/discord/index.ts';
 * const discord = createDiscordAdapter({ token, agentsChannelId, logger });
 * await discord.start(engine);
 */
export { discordChannel, readDiscordSettings } from './plugin.ts';
export { createDiscordAdapter, DEFAULT_EDIT_INTERVAL_MS, TYPING_REPEAT_MS, type DiscordAdapter, type DiscordAdapterOptions } from './adapter.ts';
export { DISCORD_CHANNEL, dmConversationId, guildConversationId, channelOfConversation } from './conversation-id.ts';
export { splitMessage, DISCORD_MESSAGE_LIMIT } from './split-message.ts';
export { HANDBACK_BUTTON_PREFIX, THREAD_NAME_PREFIX } from './agents-desk.ts';

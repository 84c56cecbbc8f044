/** The Discord channel as a plugin: its variables, and the adapter when DISCORD_TOKEN is set. */
import { urlValue, type ChannelPlugin, type ChannelVariableValues } from '../../src/index.ts';
import type { DiscordAdapterOptions } from './adapter.ts';

export const discordChannel: ChannelPlugin = {
  name: 'discord',
  // one gateway connection per bot: several instances elect the one that holds it
  singleton: true,
  variables: [
    { name: 'DISCORD_TOKEN', description: "the bot's token (Developer Portal → your application → Bot); turns the Discord channel on" },
    { name: 'DISCORD_AGENTS_CHANNEL', description: 'id of the channel where hand-offs are announced to agents' },
    { name: 'DISCORD_API_URL', description: "the REST base URL (default Discord's), for tests and proxies" },
  ],

  fromConfig(values) {
    const settings = readDiscordSettings(values);
    if (!settings) return undefined;
    return {
      capabilities: { streaming: true, typing: true, reactions: true, threads: true },
      async start({ engine, logger }) {
        const { createDiscordAdapter } = await import('./adapter.ts'); // discord.js loads only when Discord is used
        const adapter = createDiscordAdapter({ ...settings, logger });
        await adapter.start(engine);
        return { stop: () => adapter.stop() };
      },
    };
  },
};

/** The Discord settings when DISCORD_TOKEN is set. */
export function readDiscordSettings(v: ChannelVariableValues): DiscordAdapterOptions | undefined {
  const token = v.DISCORD_TOKEN;
  if (!token) return undefined;
  const apiUrl = urlValue(v, 'DISCORD_API_URL');
  return { token, ...(v.DISCORD_AGENTS_CHANNEL ? { agentsChannelId: v.DISCORD_AGENTS_CHANNEL } : {}), ...(apiUrl ? { apiUrl } : {}) };
}

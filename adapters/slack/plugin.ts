/** The Slack channel as a plugin: its variables, and the adapter when SLACK_BOT_TOKEN is set. */
import { configError, portValue, urlValue, type ChannelPlugin, type ChannelVariableValues } from '../../src/index.ts';
import type { SlackAdapterOptions } from './slack-adapter.ts';

const HOW = 'Set SLACK_SIGNING_SECRET (events over HTTP) or SLACK_APP_TOKEN (Socket Mode); README section "Slack" shows where to find them.';

/** The Slack settings the variables give (without the logger and host the start context supplies). */
export type SlackSettings = Omit<SlackAdapterOptions, 'logger' | 'host'> & { port: number };

export const slackChannel: ChannelPlugin = {
  name: 'slack',
  variables: [
    { name: 'SLACK_BOT_TOKEN', description: 'the Bot User OAuth Token (xoxb-…); turns the Slack channel on' },
    { name: 'SLACK_SIGNING_SECRET', description: 'verifies Events API requests (events over HTTP)' },
    { name: 'SLACK_APP_TOKEN', description: 'an app-level token (xapp-…); events come over Socket Mode instead of HTTP' },
    { name: 'SLACK_PORT', description: 'where the Events API receiver listens (default 3001; unused in Socket Mode)' },
    { name: 'SLACK_AGENTS_CHANNEL', description: 'id of the channel where hand-offs are announced to agents' },
    { name: 'SLACK_API_URL', description: "the Web API base URL (default Slack's), for tests and proxies" },
  ],

  fromConfig(values) {
    const settings = readSlackSettings(values);
    if (!settings) return undefined;
    return {
      capabilities: { streaming: true, typing: false, reactions: true, threads: true },
      async start({ engine, logger, host }) {
        const { createSlackAdapter } = await import('./slack-adapter.ts'); // bolt loads only when Slack is used
        const adapter = createSlackAdapter({ ...settings, host, logger });
        await adapter.start(engine).catch(async (err: unknown) => {
          await adapter.stop().catch(() => undefined); // whatever it opened before failing is closed now
          throw err;
        });
        return { stop: () => adapter.stop() };
      },
    };
  },
};

/** The settings when SLACK_BOT_TOKEN is set; a missing companion variable is an error naming it. */
export function readSlackSettings(v: ChannelVariableValues): SlackSettings | undefined {
  const { SLACK_BOT_TOKEN: botToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_APP_TOKEN: appToken, SLACK_AGENTS_CHANNEL: agentsChannel } = v;
  if (!botToken) {
    const orphan = signingSecret ? 'SLACK_SIGNING_SECRET' : appToken ? 'SLACK_APP_TOKEN' : undefined;
    if (orphan) throw configError(`${orphan} is set but SLACK_BOT_TOKEN is not`, 'Set SLACK_BOT_TOKEN (the bot token, xoxb-…) too, or unset the Slack variables.');
    return undefined;
  }
  if (!signingSecret && !appToken) throw configError('SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET nor SLACK_APP_TOKEN is', HOW);
  const port = portValue(v, 'SLACK_PORT', 3001);
  const apiUrl = urlValue(v, 'SLACK_API_URL');
  return { botToken, ...(signingSecret ? { signingSecret } : {}), ...(appToken ? { appToken } : {}), port, ...(agentsChannel ? { agentsChannel } : {}), ...(apiUrl ? { apiUrl } : {}) };
}

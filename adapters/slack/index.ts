/** The Slack channel: direct messages and @mentions answered in threads, on @slack/bolt. */
export { slackChannel, readSlackSettings } from './plugin.ts';
export { createSlackAdapter, type SlackAdapter, type SlackAdapterOptions } from './slack-adapter.ts';
export { conversationIdOf, threadOf, fromSlack, toSlack, SLACK_CHANNEL, type SlackThread } from './slack-text.ts';
export { GIVE_BACK_ACTION } from './announcement.ts';
export { STREAMING_CURSOR } from './deliver-reply.ts';

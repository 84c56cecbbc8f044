/**
 * The channels Colloquy ships, one line each. `colloquy serve` starts every
 * one whose configuration is present in the environment (`colloquy chat` the
 * foreground ones); a new channel is a folder under `adapters/` exporting a
 * `ChannelPlugin` and a line here. A plugin's module is light: a channel's
 * platform library loads only when the channel starts.
 */
import type { ChannelPlugin } from '../src/index.ts';
import { discordChannel } from './discord/plugin.ts';
import { slackChannel } from './slack/plugin.ts';
import { terminalChannel } from './terminal/plugin.ts';
import { webChannel } from './web/plugin.ts';

export const BUILTIN_CHANNELS: readonly ChannelPlugin[] = [
  webChannel,
  terminalChannel,
  slackChannel,
  discordChannel,
];

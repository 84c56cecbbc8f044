/**
 * The chat channels' settings read from the environment (src/config.ts) and
 * how `serve` starts them (src/cli/channels.ts): one that fails is reported
 * with the variables to check while the others run, and all stop together.
 */
import { describe, expect, it } from 'vitest';
import { BUILTIN_CHANNELS } from '../../adapters/registry.ts';
import { discordChannel, readDiscordSettings } from '../../adapters/discord/plugin.ts';
import { readSlackSettings, slackChannel } from '../../adapters/slack/plugin.ts';
import { webChannel } from '../../adapters/web/plugin.ts';
import type { ChannelPlugin, ChannelStartContext, RunningChannel } from '../../src/channels/types.ts';
import { configuredChannels, describeChannels, startChannels, type ChannelSpec } from '../../src/cli/channels.ts';
import { readEnvConfig } from '../../src/config.ts';
import { ColloquyError } from '../../src/errors.ts';
import { createHarness, createFakeLogger } from '../engine/helpers/harness.ts';

/** What the environment configures for each channel of the registry, as `serve` reads it. */
function readEnv(env: NodeJS.ProcessEnv) {
  const config = readEnvConfig(env);
  return {
    slack: readSlackSettings(config.channelVariables(slackChannel.variables)),
    discord: readDiscordSettings(config.channelVariables(discordChannel.variables)),
    serve: configuredChannels(BUILTIN_CHANNELS, config, { foreground: false }).map((c) => c.name),
  };
}

/** The error reading `env` throws (fails the test when it does not throw). */
function configError(env: NodeJS.ProcessEnv): ColloquyError {
  try {
    readEnv(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ColloquyError);
    return err as ColloquyError;
  }
  throw new Error('expected reading the channel settings to throw');
}

describe('channel settings from the environment', () => {
  it('configures no chat channel when no token is set', () => {
    const env = readEnv({ COLLOQUY_PORT: '3000' });

    expect(env.slack).toBeUndefined();
    expect(env.discord).toBeUndefined();
    expect(env.serve).toEqual(['web']);
  });

  it('reads Slack over HTTP with the default port, trimming pasted tokens', () => {
    const env = readEnv({ SLACK_BOT_TOKEN: ' xoxb-1 \n', SLACK_SIGNING_SECRET: 'shh' });

    expect(env.slack).toEqual({ botToken: 'xoxb-1', signingSecret: 'shh', port: 3001 });
  });

  it('reads Slack in Socket Mode with every optional setting', () => {
    const env = readEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', SLACK_PORT: '4001', SLACK_AGENTS_CHANNEL: 'C0AGENTS', SLACK_API_URL: 'http://127.0.0.1:9/api/' });

    expect(env.slack).toEqual({ botToken: 'xoxb-1', appToken: 'xapp-1', port: 4001, agentsChannel: 'C0AGENTS', apiUrl: 'http://127.0.0.1:9/api/' });
  });

  it('refuses SLACK_BOT_TOKEN without SLACK_SIGNING_SECRET or SLACK_APP_TOKEN, naming both', () => {
    const err = configError({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: '  ' });

    expect(err.message).toBe('SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET nor SLACK_APP_TOKEN is');
    expect(err.hint).toMatch(/SLACK_SIGNING_SECRET .*SLACK_APP_TOKEN/);
  });

  it('refuses a Slack secret without SLACK_BOT_TOKEN, naming the missing variable', () => {
    expect(configError({ SLACK_APP_TOKEN: 'xapp-1' }).message).toBe('SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not');
    expect(configError({ SLACK_SIGNING_SECRET: 'shh' }).message).toBe('SLACK_SIGNING_SECRET is set but SLACK_BOT_TOKEN is not');
  });

  it('refuses a bad SLACK_PORT and a bad API URL, naming the variable', () => {
    const slack = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'shh' };

    expect(configError({ ...slack, SLACK_PORT: 'http' }).message).toMatch(/^SLACK_PORT must be an integer/);
    expect(configError({ ...slack, SLACK_PORT: '70000' }).message).toMatch(/^SLACK_PORT must be an integer/);
    expect(configError({ ...slack, SLACK_API_URL: 'slack.example' }).message).toMatch(/^SLACK_API_URL must be an http\(s\) URL/);
    expect(configError({ DISCORD_TOKEN: 't', DISCORD_API_URL: 'ftp://x' }).message).toMatch(/^DISCORD_API_URL must be an http\(s\) URL/);
  });

  it('reads Discord with its agents channel and API URL', () => {
    const env = readEnv({ DISCORD_TOKEN: 'abc.def', DISCORD_AGENTS_CHANNEL: '123', DISCORD_API_URL: 'http://127.0.0.1:9/api' });

    expect(env.discord).toEqual({ token: 'abc.def', agentsChannelId: '123', apiUrl: 'http://127.0.0.1:9/api' });
    expect(env.slack).toBeUndefined();
    expect(env.serve).toEqual(['web', 'discord']);
  });
});

/** A configured channel that records what happens to it; `failWith` makes its start reject. */
function recordingChannel(name: string, failWith?: Error): { spec: ChannelSpec; events: string[] } {
  const events: string[] = [];
  const channel = {
    capabilities: { streaming: false, typing: false, reactions: false, threads: false },
    async start(): Promise<RunningChannel> {
      events.push('start');
      if (failWith) throw failWith;
      return { stop: async () => void events.push('stop') };
    },
  };
  return { spec: { name, variables: [`${name.toUpperCase()}_TOKEN`], channel }, events };
}

function startContext(): ChannelStartContext {
  return { engine: createHarness().engine, logger: createFakeLogger(), host: '127.0.0.1', dataDir: '/nonexistent' };
}

describe('starting the chat channels', () => {
  it('reports a channel that fails with its hint and variables, keeps the others, and stops them all', async () => {
    // Arrange
    const ctx = startContext();
    const logger = createFakeLogger();
    const good = recordingChannel('discord');
    const bad = recordingChannel('slack', new ColloquyError('slack_token_rejected', 'Slack rejected SLACK_BOT_TOKEN (invalid_auth)', 'Copy the Bot User OAuth Token.'));
    const broken: ChannelSpec = { name: 'matrix', variables: ['MATRIX_TOKEN'], channel: { ...good.spec.channel, start: () => Promise.reject(new Error('module not found')) } };

    // Act
    const channels = startChannels([bad.spec, good.spec, broken], { ...ctx, logger });
    const outcome = await channels.ready;

    // Assert: the working channel runs; the failed ones are reported in order
    expect(outcome.running).toEqual(['discord']);
    expect(outcome.failed.map((f) => [f.name, (f.error as Error).message])).toEqual([
      ['slack', 'Slack rejected SLACK_BOT_TOKEN (invalid_auth)'],
      ['matrix', 'module not found'],
    ]);
    const errors = logger.lines.filter(([level]) => level === 'error');
    expect(errors).toContainEqual(['error', 'slack channel not started: Slack rejected SLACK_BOT_TOKEN (invalid_auth)', { hint: 'Copy the Bot User OAuth Token.', check: 'SLACK_TOKEN' }]);
    expect(describeChannels(outcome)).toBe('Channels running: discord; not started: slack, matrix (see the error above)');

    await channels.stop();
    expect(good.events).toEqual(['start', 'stop']);
    expect(bad.events).toEqual(['start']);
  });

  it('stops a channel that finishes connecting after the stop, and never reports it running', async () => {
    let release!: () => void;
    const events: string[] = [];
    const slow: ChannelSpec = {
      name: 'slow',
      variables: [],
      channel: {
        capabilities: { streaming: false, typing: false, reactions: false, threads: false },
        start: () => new Promise<RunningChannel>((resolve) => (release = () => resolve({ stop: async () => void events.push('stop') }))),
      },
    };

    const channels = startChannels([slow], startContext());
    await new Promise((resolve) => setImmediate(resolve));
    await channels.stop();
    expect(events).toEqual([]);

    release();
    expect((await channels.ready).running).toEqual([]);
    expect(events).toEqual(['stop']);
  });
});

describe('the channel registry', () => {
  it('starts a plugin added to the list through its declared variables only', async () => {
    // Arrange: a plugin that is configured when TOY_TOKEN is set
    const seen: Array<Record<string, string | undefined>> = [];
    const toy: ChannelPlugin = {
      name: 'toy',
      variables: [{ name: 'TOY_TOKEN', description: 'the toy token' }],
      fromConfig(values) {
        seen.push({ ...values });
        return values.TOY_TOKEN ? recordingChannel('toy').spec.channel : undefined;
      },
    };
    const config = readEnvConfig({ TOY_TOKEN: ' t0k \n', SLACK_SIGNING_SECRET_UNRELATED: 'x' });

    // Act
    const specs = configuredChannels([...BUILTIN_CHANNELS, toy], config, { foreground: false });

    // Assert: it got its own variable (trimmed) and nothing else; the terminal is not a serve channel
    expect(seen).toEqual([{ TOY_TOKEN: 't0k' }]);
    expect(specs.map((s) => [s.name, s.variables])).toEqual([['web', webChannel.variables.map((v) => v.name)], ['toy', ['TOY_TOKEN']]]);
    expect(configuredChannels(BUILTIN_CHANNELS, config, { foreground: true }).map((s) => s.name)).toEqual(['terminal']);
  });
});

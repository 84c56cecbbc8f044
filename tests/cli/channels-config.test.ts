/**
 * The chat channels' settings read from the environment (src/config.ts) and
 * how `serve` starts them (src/cli/channels.ts): one that fails is reported
 * with the variables to check while the others run, and all stop together.
 */
import { describe, expect, it } from 'vitest';
import type { ChannelAdapter } from '../../src/channels/types.ts';
import { describeChannels, startChannels, type ChannelSpec } from '../../src/cli/channels.ts';
import { readEnvConfig } from '../../src/config.ts';
import { ColloquyError } from '../../src/errors.ts';
import { createHarness, createFakeLogger } from '../engine/helpers/harness.ts';

/** The error `readEnvConfig` throws for `env` (fails the test when it does not throw). */
function configError(env: NodeJS.ProcessEnv): ColloquyError {
  try {
    readEnvConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ColloquyError);
    return err as ColloquyError;
  }
  throw new Error('expected readEnvConfig to throw');
}

describe('channel settings from the environment', () => {
  it('configures no chat channel when no token is set', () => {
    const env = readEnvConfig({ COLLOQUY_PORT: '3000' });

    expect(env.slack).toBeUndefined();
    expect(env.discord).toBeUndefined();
  });

  it('reads Slack over HTTP with the default port, trimming pasted tokens', () => {
    const env = readEnvConfig({ SLACK_BOT_TOKEN: ' xoxb-1 \n', SLACK_SIGNING_SECRET: 'shh' });

    expect(env.slack).toEqual({ botToken: 'xoxb-1', signingSecret: 'shh', port: 3001 });
  });

  it('reads Slack in Socket Mode with every optional setting', () => {
    const env = readEnvConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', SLACK_PORT: '4001', SLACK_AGENTS_CHANNEL: 'C0AGENTS', SLACK_API_URL: 'http://127.0.0.1:9/api/' });

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
    const env = readEnvConfig({ DISCORD_TOKEN: 'abc.def', DISCORD_AGENTS_CHANNEL: '123', DISCORD_API_URL: 'http://127.0.0.1:9/api' });

    expect(env.discord).toEqual({ token: 'abc.def', agentsChannelId: '123', apiUrl: 'http://127.0.0.1:9/api' });
    expect(env.slack).toBeUndefined();
  });
});

/** A channel whose adapter records what happens to it; `failWith` makes its start reject. */
function recordingChannel(name: string, failWith?: Error): { spec: ChannelSpec; events: string[] } {
  const events: string[] = [];
  const adapter: ChannelAdapter = {
    name,
    capabilities: { streaming: false, typing: false, reactions: false, threads: false },
    async start() {
      events.push('start');
      if (failWith) throw failWith;
    },
    async stop() {
      events.push('stop');
    },
  };
  return { spec: { name, variables: [`${name.toUpperCase()}_TOKEN`], create: async () => adapter }, events };
}

describe('starting the chat channels', () => {
  it('reports a channel that fails with its hint and variables, keeps the others, and stops them all', async () => {
    // Arrange
    const { engine } = createHarness();
    const logger = createFakeLogger();
    const good = recordingChannel('discord');
    const bad = recordingChannel('slack', new ColloquyError('slack_token_rejected', 'Slack rejected SLACK_BOT_TOKEN (invalid_auth)', 'Copy the Bot User OAuth Token.'));
    const broken: ChannelSpec = { name: 'matrix', variables: ['MATRIX_TOKEN'], create: () => Promise.reject(new Error('module not found')) };

    // Act
    const channels = startChannels([bad.spec, good.spec, broken], engine, logger);
    const outcome = await channels.ready;

    // Assert: the working channel runs; the failed one was stopped right away
    expect(outcome.running).toEqual(['discord']);
    expect(outcome.failed).toEqual([
      { name: 'slack', error: 'Slack rejected SLACK_BOT_TOKEN (invalid_auth)' },
      { name: 'matrix', error: 'module not found' },
    ]);
    expect(bad.events).toEqual(['start', 'stop']);
    const errors = logger.lines.filter(([level]) => level === 'error');
    expect(errors).toContainEqual(['error', 'slack channel not started: Slack rejected SLACK_BOT_TOKEN (invalid_auth)', { hint: 'Copy the Bot User OAuth Token.', check: 'SLACK_TOKEN' }]);
    expect(describeChannels(outcome)).toBe('Channels running: web, discord; not started: slack, matrix (see the error above)');

    await channels.stop();
    expect(good.events).toEqual(['start', 'stop']);
    expect(bad.events).toEqual(['start', 'stop']);
  });

  it('stops a channel that is still starting, and again once it has connected', async () => {
    const { engine } = createHarness();
    let release!: () => void;
    const events: string[] = [];
    const slow: ChannelSpec = {
      name: 'slow',
      variables: [],
      create: async () => ({
        name: 'slow',
        capabilities: { streaming: false, typing: false, reactions: false, threads: false },
        start: () => new Promise<void>((resolve) => (release = resolve)),
        stop: async () => void events.push('stop'),
      }),
    };

    const channels = startChannels([slow], engine, createFakeLogger());
    await new Promise((resolve) => setImmediate(resolve));
    await channels.stop();

    expect(events).toEqual(['stop']);
    // it finishes connecting after the stop: it is stopped again and not reported as running
    release();
    expect((await channels.ready).running).toEqual([]);
    expect(events).toEqual(['stop', 'stop']);
  });
});

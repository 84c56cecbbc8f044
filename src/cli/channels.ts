/**
 * The chat channels `colloquy serve` runs next to the web widget: one for
 * each platform whose credentials are in the environment. Each starts on its
 * own — one that fails (bad credentials, port taken) is logged with the
 * variables to check, and the others keep running.
 */
import type { ChannelAdapter } from '../channels/types.ts';
import type { EnvConfig } from '../config.ts';
import type { Engine } from '../engine/types.ts';
import type { Logger } from '../logger.ts';

/** A channel to start: how to build its adapter, and the variables that configure it (named when it fails). */
export interface ChannelSpec {
  name: string;
  variables: string[];
  create(): Promise<ChannelAdapter>;
}

/**
 * The channels configured in the environment (Slack when SLACK_BOT_TOKEN is
 * set, Discord when DISCORD_TOKEN is). Their libraries load only when used.
 * `host` is where HTTP receivers listen (the web widget's interface).
 */
export function channelsFromEnv(env: Pick<EnvConfig, 'slack' | 'discord'>, { logger, host }: { logger: Logger; host: string }): ChannelSpec[] {
  const specs: ChannelSpec[] = [];
  const { slack, discord } = env;
  if (slack) {
    specs.push({
      name: 'slack',
      variables: ['SLACK_BOT_TOKEN', ...(slack.appToken ? ['SLACK_APP_TOKEN'] : ['SLACK_SIGNING_SECRET', 'SLACK_PORT'])],
      async create() {
        const { createSlackAdapter } = await import('../../adapters/slack/index.ts');
        return createSlackAdapter({ ...slack, host, logger });
      },
    });
  }
  if (discord) {
    specs.push({
      name: 'discord',
      variables: ['DISCORD_TOKEN'],
      async create() {
        const { createDiscordAdapter } = await import('../../adapters/discord/index.ts');
        return createDiscordAdapter({ ...discord, logger });
      },
    });
  }
  return specs;
}

/** What `startChannels` reports once every channel has started or failed. */
export interface ChannelsOutcome {
  running: string[];
  failed: Array<{ name: string; error: string }>;
}

export interface RunningChannels {
  /** Settles when every channel has started or failed (never rejects). */
  ready: Promise<ChannelsOutcome>;
  /** Stops every channel built so far, started or still starting. */
  stop(): Promise<void>;
}

/**
 * Starts every channel at once over `engine`. A failure is logged (with the
 * error's hint and the variables to check) and leaves the others running.
 *
 * @example
 * const channels = startChannels(channelsFromEnv(ctx.env, { logger, host }), engine, logger);
 * const { running, failed } = await channels.ready;
 * // on SIGTERM:
 * await channels.stop();
 */
export function startChannels(specs: ChannelSpec[], engine: Engine, logger: Logger): RunningChannels {
  const built: Array<{ name: string; adapter: ChannelAdapter }> = [];
  const outcome: ChannelsOutcome = { running: [], failed: [] };
  let stopping = false;
  const startOne = async (spec: ChannelSpec) => {
    let entry: { name: string; adapter: ChannelAdapter } | undefined;
    try {
      entry = { name: spec.name, adapter: await spec.create() };
      built.push(entry);
      await entry.adapter.start(engine);
      if (stopping) {
        // the server was told to stop while this channel connected: it must not stay up
        await entry.adapter.stop().catch(() => undefined);
        return;
      }
      outcome.running.push(spec.name);
      logger.info(`${spec.name} channel running`);
    } catch (err) {
      const e = err as { message?: string; hint?: string };
      const error = e?.message ?? String(err);
      outcome.failed.push({ name: spec.name, error });
      logger.error(`${spec.name} channel not started: ${error}`, { ...(e?.hint ? { hint: e.hint } : {}), check: spec.variables.join(', ') });
      if (entry) {
        // whatever it opened before failing (a listening port, a socket) is closed now, not at shutdown
        built.splice(built.indexOf(entry), 1);
        await entry.adapter.stop().catch((stopErr: unknown) => logger.debug(`${spec.name} channel cleanup failed`, { error: (stopErr as Error)?.message ?? String(stopErr) }));
      }
    }
  };
  const order = (name: string) => specs.findIndex((s) => s.name === name);
  const ready = Promise.all(specs.map(startOne)).then(() => {
    // reported in the order configured, whichever finished first
    outcome.running.sort((a, b) => order(a) - order(b));
    outcome.failed.sort((a, b) => order(a.name) - order(b.name));
    return outcome;
  });
  return {
    ready,
    async stop() {
      stopping = true;
      await Promise.all(
        built.map(async ({ name, adapter }) => {
          try {
            await adapter.stop();
          } catch (err) {
            logger.warn(`${name} channel did not stop cleanly`, { error: (err as Error)?.message ?? String(err) });
          }
        }),
      );
    },
  };
}

/** The line `serve` prints once the channels settled, e.g. `Channels running: web, slack; not started: discord (see the error above)`. */
export function describeChannels({ running, failed }: ChannelsOutcome): string {
  const line = `Channels running: ${['web', ...running].join(', ')}`;
  return failed.length ? `${line}; not started: ${failed.map((f) => f.name).join(', ')} (see the error above)` : line;
}

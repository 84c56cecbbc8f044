/**
 * How `serve` and `chat` run the channels of the registry without knowing
 * their names: each plugin gets the values of the variables it declares
 * (read by src/config.ts); every one whose configuration is present starts on
 * its own — one that fails (bad credentials, port taken) is logged with the
 * variables to check, and the others keep running.
 */
import type { ChannelPlugin, ChannelStartContext, ConfiguredChannel, RunningChannel } from '../channels/types.ts';
import type { EnvConfig } from '../config.ts';
import type { Logger } from '../logger.ts';

/** A configured channel to start, with the variables to name when it fails. */
export interface ChannelSpec {
  name: string;
  variables: string[];
  channel: ConfiguredChannel;
  /** Runs in one instance at a time (see ChannelPlugin.singleton). */
  singleton?: boolean;
}

/**
 * The channels of `plugins` whose configuration is present: `foreground` ones
 * (the terminal) for `chat`, the others for `serve`. A half configuration
 * throws the plugin's ColloquyError (the command then refuses to start).
 */
export function configuredChannels(plugins: readonly ChannelPlugin[], env: Pick<EnvConfig, 'channelVariables'>, { foreground }: { foreground: boolean }): ChannelSpec[] {
  const specs: ChannelSpec[] = [];
  for (const plugin of plugins) {
    if (Boolean(plugin.foreground) !== foreground) continue;
    const channel = plugin.fromConfig(env.channelVariables(plugin.variables));
    if (channel) specs.push({ name: plugin.name, variables: plugin.variables.map((v) => v.name), channel, singleton: Boolean(plugin.singleton) });
  }
  return specs;
}

/** What `startChannels` reports once every channel has started or failed. */
export interface ChannelsOutcome {
  running: string[];
  failed: Array<{ name: string; error: unknown }>;
}

export interface RunningChannels {
  /** Settles when every channel has started or failed (never rejects). */
  ready: Promise<ChannelsOutcome>;
  /** Stops every channel started so far, and those still starting once they have. */
  stop(): Promise<void>;
}

/**
 * Starts every channel at once. A failure is logged (with the error's hint
 * and the variables to check) and leaves the others running; `onRunning`
 * hears each channel that runs (serve prints its banner).
 *
 * @example
 * const channels = startChannels(configuredChannels(BUILTIN_CHANNELS, ctx.env, { foreground: false }), startContext);
 * const { running, failed } = await channels.ready;
 * await channels.stop(); // on SIGTERM
 */
export function startChannels(specs: ChannelSpec[], ctx: ChannelStartContext, onRunning: (name: string, channel: RunningChannel) => void = () => {}): RunningChannels {
  const { logger } = ctx;
  const started: Array<{ name: string; running: RunningChannel }> = [];
  const outcome: ChannelsOutcome = { running: [], failed: [] };
  let stopping = false;
  const startOne = async (spec: ChannelSpec) => {
    try {
      const running = await spec.channel.start(ctx);
      if (stopping) {
        // told to stop while this channel connected: it must not stay up
        await stopQuietly(spec.name, running, logger);
        return;
      }
      started.push({ name: spec.name, running });
      outcome.running.push(spec.name);
      logger.info(`${spec.name} channel running`);
      onRunning(spec.name, running);
    } catch (err) {
      outcome.failed.push({ name: spec.name, error: err });
      const e = err as { message?: string; hint?: string };
      logger.error(`${spec.name} channel not started: ${e?.message ?? String(err)}`, { ...(e?.hint ? { hint: e.hint } : {}), check: spec.variables.join(', ') || '(no variables)' });
    }
  };
  const order = (name: string) => specs.findIndex((s) => s.name === name);
  const ready = Promise.all(specs.map(startOne)).then(() => {
    // reported in the registry's order, whichever finished first
    outcome.running.sort((a, b) => order(a) - order(b));
    outcome.failed.sort((a, b) => order(a.name) - order(b.name));
    return outcome;
  });
  return {
    ready,
    async stop() {
      stopping = true;
      await Promise.all(started.splice(0).map(({ name, running }) => stopQuietly(name, running, logger)));
    },
  };
}

async function stopQuietly(name: string, running: RunningChannel, logger: Logger): Promise<void> {
  try {
    await running.stop();
  } catch (err) {
    logger.warn(`${name} channel did not stop cleanly`, { error: (err as Error)?.message ?? String(err) });
  }
}

/** The line `serve` prints once the channels settled, e.g. `Channels running: web, slack; not started: discord (see the error above)`. */
export function describeChannels({ running, failed }: ChannelsOutcome): string {
  const line = `Channels running: ${running.join(', ') || 'none'}`;
  return failed.length ? `${line}; not started: ${failed.map((f) => f.name).join(', ')} (see the error above)` : line;
}

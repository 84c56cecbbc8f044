import type { RequestHandler } from 'express';
import type { Engine } from '../engine/types.ts';
import type { RateLimiterFactory } from '../limits/rate-limiter.ts';
import type { Logger } from '../logger.ts';
import type { HealthReport } from '../ops/health.ts';

/** What a channel can do beyond plain text, so shared code can adapt. */
export interface ChannelCapabilities {
  /** Replies appear as they are generated (edits or SSE). */
  streaming: boolean;
  /** Shows a "typing…" indicator while generating. */
  typing: boolean;
  /** Users give feedback with reactions. */
  reactions: boolean;
  /** Conversations live in threads. */
  threads: boolean;
}

/** An environment variable a channel reads, declared so `colloquy serve --help` and errors can name it. */
export interface ChannelVariable {
  name: string;
  /** One line: what it is and where to find it. */
  description: string;
}

/** The declared variables' values, as `src/config.ts` read them: trimmed, `undefined` when unset or blank. */
export type ChannelVariableValues = Readonly<Record<string, string | undefined>>;

/** What a channel gets when it starts. */
export interface ChannelStartContext {
  engine: Engine;
  logger: Logger;
  /** The interface HTTP receivers listen on (`serve --host`, COLLOQUY_HOST; default 127.0.0.1). */
  host: string;
  /** `serve --port`: the port the web channel listens on instead of its configured one. */
  port?: number;
  /** The data directory (conversation log, generated secrets). */
  dataDir: string;
  /** Routers other modules put on HTTP channels, by path (the operations module at `/admin`). */
  mounts?: Readonly<Record<string, RequestHandler>>;
  /** Where HTTP channels keep rate-limit buckets: in this process by default, in Redis when instances share them. */
  rateLimiters?: RateLimiterFactory;
  /** With a shared database: a generated secret every instance reads the same (by name); absent for one process, which keeps its secrets in `dataDir`. */
  sharedSecret?(name: string): Promise<string>;
  /** What `/health` reports on HTTP channels: ready only when the model answers and the log takes writes (see src/ops/health.ts). */
  health?(): Promise<HealthReport>;
}

/** A started channel. */
export interface RunningChannel {
  /** A line for the person who started it (`Colloquy web chat: http://…/`), printed once it runs. */
  readonly banner?: string;
  /** Settles when the channel ends on its own (the terminal at end of input); absent for channels that run until stopped. */
  readonly done?: Promise<void>;
  /** Disconnects; replies in flight finish first. */
  stop(): Promise<void>;
}

/** A channel configured from its variables, ready to start. */
export interface ConfiguredChannel {
  readonly capabilities: ChannelCapabilities;
  /** Connects to the platform and starts answering through `ctx.engine`; rejects with a ColloquyError naming what to fix. */
  start(ctx: ChannelStartContext): Promise<RunningChannel>;
}

/**
 * The one contract every channel implements (web, terminal, Slack, Discord
 * and yours): a name, the environment variables it reads, how those become a
 * configured channel, and how that starts. A channel is one folder under
 * `adapters/` exporting a plugin, plus one line in `adapters/registry.ts`.
 * Inside, a channel talks to the engine only: `engine.handle` for messages,
 * `engine.connect(name, handlers)` for what it must deliver on its own,
 * `engine.history` for past turns.
 *
 * @example
 * export const matrixChannel: ChannelPlugin = {
 *   name: 'matrix',
 *   variables: [{ name: 'MATRIX_TOKEN', description: 'the bot account access token' }],
 *   fromConfig: (v) => (v.MATRIX_TOKEN ? { capabilities, start: (ctx) => startMatrix(v.MATRIX_TOKEN!, ctx) } : undefined),
 * };
 */
export interface ChannelPlugin {
  /** Conversations are logged under this channel name; lower case, no spaces. */
  readonly name: string;
  /** The environment variables the channel reads (only these are handed to `fromConfig`). */
  readonly variables: readonly ChannelVariable[];
  /** True for a channel that owns the terminal: `colloquy chat` runs it, `colloquy serve` never does. */
  readonly foreground?: boolean;
  /**
   * True for a channel the platform lets connect once per bot (Discord's
   * gateway): with several instances on one database it runs in the elected
   * instance only, and another takes over when that one dies.
   */
  readonly singleton?: boolean;
  /**
   * The channel when its configuration is present, `undefined` when it is not
   * configured at all. A half configuration (a token without its companion) is
   * a ColloquyError (`config_invalid`) naming the missing variable.
   */
  fromConfig(values: ChannelVariableValues): ConfiguredChannel | undefined;
}

import { hostname } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configError } from './channels/config-values.ts';
import type { ChannelVariable, ChannelVariableValues } from './channels/types.ts';
import type { LogLevel } from './logger.ts';
import type { BackendName } from './runtime/backend.ts';

/**
 * The project's root (where package.json, models/ and conversations/ live): one level up from
 * src/ in a clone, two from dist/src/ in an installed package.
 */
export const PROJECT_ROOT = projectRootFrom(path.dirname(fileURLToPath(import.meta.url)));

function projectRootFrom(srcDir: string): string {
  const up = path.resolve(srcDir, '..');
  return path.basename(up) === 'dist' ? path.resolve(up, '..') : up;
}

/** Settings read from the environment — the only place Colloquy reads `process.env`. */
export interface EnvConfig {
  /** COLLOQUY_BACKEND: node | wasm | cpu | auto. */
  backend: BackendName | 'auto';
  /** COLLOQUY_MODEL: the model directory `chat`/`serve` use by default. */
  model: string;
  /** True when COLLOQUY_MODEL is set: `chat`/`serve` then run that fixed model instead of the registry's active one. */
  modelPinned: boolean;
  /** COLLOQUY_MODELS_DIR: the model registry (versions, registry.json); default `models/`. */
  modelsDir: string;
  /** COLLOQUY_LOG_LEVEL: debug | info | warn | error | silent. */
  logLevel: LogLevel;
  /** COLLOQUY_WASM_THREADS: threads of the wasm backend (default 1: threads off; see README "Performance"). */
  wasmThreads: number;
  /** COLLOQUY_FILE_ACCESS: who may read what Colloquy writes (logs, exports, models): `owner` (default; 0700 directories, 0600 files) or `group` (0750/0640). */
  fileAccess: FileAccess;
  /** COLLOQUY_REDIS_URL and companions: rate limits and live events shared by instances; absent → in memory (one process). */
  redis?: RedisEnvConfig;
  /** COLLOQUY_INSTANCE_ID: how this instance names itself in /health and `colloquy models list` (default host-pid). */
  instanceId: string;
  /** The shared PostgreSQL database, when COLLOQUY_DATABASE_URL is set; without it, conversations stay in lowdb files. */
  database?: DatabaseEnvConfig;
  /** COLLOQUY_ACTIONS: the actions file `chat`/`serve` use (default: the bundled shop demo's); `none` turns actions off. */
  actionsFile: string;
  /** COLLOQUY_ACTIONS_TOKEN: sent as `Authorization: Bearer …` to action webhooks. */
  actionsToken?: string;
  /** COLLOQUY_HOST: the interface HTTP channels listen on (default 127.0.0.1, this machine only). */
  host: string;
  /** COLLOQUY_CONTACT_TEXT: how else to reach the business, told when a person is asked for and none can take over (the engine's `contactText`). */
  contactText?: string;
  /** COLLOQUY_ADMIN_TOKEN: opens the review page and admin API at /admin (at least 16 characters, checked when the server starts); without it there is no /admin. */
  adminToken?: string;
  /**
   * The values of the variables a channel declares (see `ChannelPlugin.variables`),
   * read from the same environment: trimmed, undefined when unset or blank.
   */
  channelVariables(variables: readonly ChannelVariable[]): ChannelVariableValues;
}

/** Redis, for what instances share but do not store. */
export interface RedisEnvConfig {
  /** COLLOQUY_REDIS_URL: `redis://host:port` (or `rediss://`). */
  url: string;
  /** COLLOQUY_REDIS_PREFIX: prefix of every key and channel, so bots can share one Redis (default `colloquy:`). */
  prefix: string;
  /** COLLOQUY_LIMITS_WHEN_REDIS_DOWN: `open` (default; requests go through) or `closed` (429 until Redis is back). */
  limitsWhenDown: 'open' | 'closed';
}

/**
 * Where several instances keep what they share (conversations, channel state).
 *
 * @example
 * const db: DatabaseEnvConfig = { url: 'postgres://colloquy@db:5432/colloquy', schema: 'colloquy' };
 */
export interface DatabaseEnvConfig {
  /** COLLOQUY_DATABASE_URL: a `postgres://` connection URL. */
  url: string;
  /** COLLOQUY_DATABASE_SCHEMA: the schema Colloquy's tables live in (default `colloquy`; created when missing). */
  schema: string;
}

/** The schema Colloquy's tables go in unless COLLOQUY_DATABASE_SCHEMA says otherwise. */
export const DEFAULT_DATABASE_SCHEMA = 'colloquy';

/** The bundled model that `npm start` runs. */
export const DEFAULT_MODEL_DIR = path.join(PROJECT_ROOT, 'models', 'default');

/** The bundled shop demo's actions: order lookups answered from a sample orders file (conversations/corpus/). */
export const DEFAULT_ACTIONS_FILE = path.join(PROJECT_ROOT, 'conversations', 'corpus', 'shop-actions.json');

/** The model registry: `models/<version>/` and `models/registry.json`. */
export const DEFAULT_MODELS_DIR = path.join(PROJECT_ROOT, 'models');

/** True when running from an installed package (under node_modules/), not a clone. */
const INSTALLED = PROJECT_ROOT.split(path.sep).includes('node_modules');

/**
 * Where conversations are logged unless told otherwise (runtime data, git-ignored): the clone's
 * conversations/, or for an installed package ./conversations — never inside node_modules.
 */
export const DEFAULT_DATA_DIR = INSTALLED ? path.resolve('conversations') : path.join(PROJECT_ROOT, 'conversations');

/** Reads the environment once; the CLI passes the result down. */
export function readEnvConfig(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  const backend = (env.COLLOQUY_BACKEND ?? 'auto') as EnvConfig['backend'];
  const logLevel = (env.COLLOQUY_LOG_LEVEL ?? 'info') as LogLevel;
  return {
    backend,
    model: env.COLLOQUY_MODEL || DEFAULT_MODEL_DIR,
    modelPinned: Boolean(env.COLLOQUY_MODEL),
    modelsDir: env.COLLOQUY_MODELS_DIR || DEFAULT_MODELS_DIR,
    logLevel,
    wasmThreads: readWasmThreads(env),
    fileAccess: readFileAccess(env),
    host: value(env, 'COLLOQUY_HOST') ?? '127.0.0.1',
    ...optional('adminToken', value(env, 'COLLOQUY_ADMIN_TOKEN')),
    ...optional('contactText', value(env, 'COLLOQUY_CONTACT_TEXT')),
    channelVariables: (variables) => readChannelVariables(variables, env),
    ...optional('redis', readRedisConfig(env)),
    instanceId: value(env, 'COLLOQUY_INSTANCE_ID') ?? `${hostname()}-${process.pid}`,
    ...optional('database', readDatabaseConfig(env)),
    actionsFile: value(env, 'COLLOQUY_ACTIONS') ?? DEFAULT_ACTIONS_FILE,
    ...optional('actionsToken', value(env, 'COLLOQUY_ACTIONS_TOKEN')),
  };
}

/** The database settings when COLLOQUY_DATABASE_URL is set; a malformed URL or schema name is an error naming the variable. */
export function readDatabaseConfig(env: NodeJS.ProcessEnv): DatabaseEnvConfig | undefined {
  const url = value(env, 'COLLOQUY_DATABASE_URL');
  const schema = value(env, 'COLLOQUY_DATABASE_SCHEMA');
  if (url === undefined) {
    if (schema !== undefined) throw configError('COLLOQUY_DATABASE_SCHEMA is set but COLLOQUY_DATABASE_URL is not', 'Set COLLOQUY_DATABASE_URL (postgres://user@host:5432/db) too, or unset COLLOQUY_DATABASE_SCHEMA.');
    return undefined;
  }
  let protocol = '';
  try {
    protocol = new URL(url).protocol;
  } catch {
    /* not a URL */
  }
  // the URL may hold a password: never echo it
  if (!['postgres:', 'postgresql:'].includes(protocol)) throw configError('COLLOQUY_DATABASE_URL must be a postgres:// URL', 'Example: postgres://colloquy:secret@db.internal:5432/colloquy');
  const name = schema ?? DEFAULT_DATABASE_SCHEMA;
  if (!isSqlName(name)) throw configError(`COLLOQUY_DATABASE_SCHEMA must be a lower-case name of letters, digits and _ (at most 63), got ${JSON.stringify(name)}`, `Leave it unset for "${DEFAULT_DATABASE_SCHEMA}".`);
  return { url, schema: name };
}

/** A PostgreSQL identifier that needs no quoting: lower-case letters, digits and _, not starting with a digit. */
export function isSqlName(name: string): boolean {
  return /^[a-z_][a-z0-9_]{0,62}$/.test(name);
}

/** Who may read the files Colloquy writes: their owner only, or also the owner's group. */
export type FileAccess = 'owner' | 'group';

/** The umask a process writing with this access uses: files 0600/0640, directories 0700/0750. */
export const umaskFor = (access: FileAccess): number => (access === 'group' ? 0o027 : 0o077);

function readFileAccess(env: NodeJS.ProcessEnv): FileAccess {
  const raw = value(env, 'COLLOQUY_FILE_ACCESS') ?? 'owner';
  if (raw !== 'owner' && raw !== 'group') throw configError(`COLLOQUY_FILE_ACCESS must be "owner" or "group", got ${JSON.stringify(raw)}`, 'owner (the default): only the user running Colloquy reads its logs; group: its group too.');
  return raw;
}

/** COLLOQUY_WASM_THREADS as a thread count (1 when unset); anything but a positive integer is an error naming it. */
function readWasmThreads(env: NodeJS.ProcessEnv): number {
  const raw = value(env, 'COLLOQUY_WASM_THREADS');
  if (raw === undefined) return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw configError(`COLLOQUY_WASM_THREADS must be an integer from 1 to 64, got ${JSON.stringify(raw)}`, 'Use 2 on a 2-core machine, or unset it (threads off).');
  return n;
}

/** The values of `variables` in `env`: trimmed, undefined when unset or blank. */
export function readChannelVariables(variables: readonly ChannelVariable[], env: NodeJS.ProcessEnv = process.env): ChannelVariableValues {
  return Object.freeze(Object.fromEntries(variables.map(({ name }) => [name, value(env, name)])));
}

/** The Redis settings when COLLOQUY_REDIS_URL is set; a bad URL or policy is an error naming the variable. */
function readRedisConfig(env: NodeJS.ProcessEnv): RedisEnvConfig | undefined {
  const url = value(env, 'COLLOQUY_REDIS_URL');
  const whenDown = value(env, 'COLLOQUY_LIMITS_WHEN_REDIS_DOWN') ?? 'open';
  if (whenDown !== 'open' && whenDown !== 'closed') throw configError(`COLLOQUY_LIMITS_WHEN_REDIS_DOWN must be "open" or "closed", got ${JSON.stringify(whenDown)}`, 'open: requests go through while Redis is down; closed: they are refused with 429.');
  if (!url) return undefined;
  let protocol = '';
  try {
    protocol = new URL(url).protocol;
  } catch {
    /* not a URL */
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') throw configError(`COLLOQUY_REDIS_URL must be a redis:// or rediss:// URL, got ${JSON.stringify(url)}`, 'Example: redis://127.0.0.1:6379; unset it to keep limits and live events in memory (one instance).');
  return { url, prefix: value(env, 'COLLOQUY_REDIS_PREFIX') ?? 'colloquy:', limitsWhenDown: whenDown };
}

/** `{ [key]: value }`, or nothing when `value` is undefined (optional keys stay absent). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** A variable's value, trimmed (a pasted token often ends in a newline); undefined when unset or blank. */
function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return env[name]?.trim() || undefined;
}


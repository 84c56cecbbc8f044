import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ColloquyError } from './errors.ts';
import type { ChannelVariable, ChannelVariableValues } from './channels/types.ts';
import type { LogLevel } from './logger.ts';
import type { BackendName } from './runtime/backend.ts';

/** The project's root (where package.json, models/ and conversations/ live). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

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
  /** COLLOQUY_HOST: the interface HTTP channels listen on (default 127.0.0.1, this machine only). */
  host: string;
  /** COLLOQUY_ADMIN_TOKEN: opens the review page and admin API at /admin (at least 16 characters, checked when the server starts); without it there is no /admin. */
  adminToken?: string;
  /**
   * The values of the variables a channel declares (see `ChannelPlugin.variables`),
   * read from the same environment: trimmed, undefined when unset or blank.
   */
  channelVariables(variables: readonly ChannelVariable[]): ChannelVariableValues;
}

/** The bundled model that `npm start` runs. */
export const DEFAULT_MODEL_DIR = path.join(PROJECT_ROOT, 'models', 'default');

/** The model registry: `models/<version>/` and `models/registry.json`. */
export const DEFAULT_MODELS_DIR = path.join(PROJECT_ROOT, 'models');

/** Where conversations are logged unless told otherwise (runtime data, git-ignored). */
export const DEFAULT_DATA_DIR = path.join(PROJECT_ROOT, 'conversations');

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
    host: value(env, 'COLLOQUY_HOST') ?? '127.0.0.1',
    ...optional('adminToken', value(env, 'COLLOQUY_ADMIN_TOKEN')),
    channelVariables: (variables) => readChannelVariables(variables, env),
  };
}

/** COLLOQUY_WASM_THREADS as a thread count (1 when unset); anything but a positive integer is an error naming it. */
function readWasmThreads(env: NodeJS.ProcessEnv): number {
  const raw = value(env, 'COLLOQUY_WASM_THREADS');
  if (raw === undefined) return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new ColloquyError('config_invalid', `COLLOQUY_WASM_THREADS must be an integer from 1 to 64, got ${JSON.stringify(raw)}`, 'Use 2 on a 2-core machine, or unset it (threads off).');
  return n;
}

/** The values of `variables` in `env`: trimmed, undefined when unset or blank. */
export function readChannelVariables(variables: readonly ChannelVariable[], env: NodeJS.ProcessEnv = process.env): ChannelVariableValues {
  return Object.freeze(Object.fromEntries(variables.map(({ name }) => [name, value(env, name)])));
}

/** `{ [key]: value }`, or nothing when `value` is undefined (optional keys stay absent). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** A variable's value, trimmed (a pasted token often ends in a newline); undefined when unset or blank. */
function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return env[name]?.trim() || undefined;
}


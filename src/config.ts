import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ColloquyError } from './errors.ts';
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
  /** COLLOQUY_ACTIONS: the actions file `chat`/`serve` use (default: the bundled shop demo's); `none` turns actions off. */
  actionsFile: string;
  /** COLLOQUY_ACTIONS_TOKEN: sent as `Authorization: Bearer …` to action webhooks. */
  actionsToken?: string;
  /** Settings of the web channel (`colloquy serve`). */
  web: WebEnvConfig;
  /** Settings of the Slack channel, when SLACK_BOT_TOKEN is set (`colloquy serve` then starts it). */
  slack?: SlackEnvConfig;
  /** Settings of the Discord channel, when DISCORD_TOKEN is set (`colloquy serve` then starts it). */
  discord?: DiscordEnvConfig;
}

/** The web channel's settings. */
export interface WebEnvConfig {
  /** COLLOQUY_PORT: the port `serve` listens on (default 3000). */
  port: number;
  /** COLLOQUY_HOST: the interface `serve` listens on (default 127.0.0.1, this machine only). */
  host: string;
  /** COLLOQUY_SECRET: signs conversation tokens; when absent, one is generated and kept in the data directory. */
  secret?: string;
  /** COLLOQUY_ALLOWED_ORIGINS: comma-separated origins of the sites that embed the widget (CORS). */
  allowedOrigins: string[];
  /** COLLOQUY_FRAME_ANCESTORS: comma-separated origins allowed to frame the server's pages (default: none). */
  frameAncestors: string[];
  /** COLLOQUY_ADMIN_TOKEN: opens the review page and admin API at /admin (at least 16 characters, checked when the server starts); without it there is no /admin. */
  adminToken?: string;
}

/** The Slack channel's settings. SLACK_SIGNING_SECRET or SLACK_APP_TOKEN must come with the bot token. */
export interface SlackEnvConfig {
  /** SLACK_BOT_TOKEN: the bot user's token (`xoxb-…`). */
  botToken: string;
  /** SLACK_SIGNING_SECRET: verifies Events API requests (events over HTTP). */
  signingSecret?: string;
  /** SLACK_APP_TOKEN: the app-level token (`xapp-…`); when set, events come over Socket Mode. */
  appToken?: string;
  /** SLACK_PORT: where the Events API receiver listens (default 3001; unused in Socket Mode). */
  port: number;
  /** SLACK_AGENTS_CHANNEL: id of the channel where hand-offs are announced to agents. */
  agentsChannel?: string;
  /** SLACK_API_URL: the Web API base URL (default Slack's), for tests and proxies. */
  apiUrl?: string;
}

/** The Discord channel's settings. */
export interface DiscordEnvConfig {
  /** DISCORD_TOKEN: the bot's token. */
  token: string;
  /** DISCORD_AGENTS_CHANNEL: id of the channel where hand-offs are announced to agents. */
  agentsChannelId?: string;
  /** DISCORD_API_URL: the REST base URL (default Discord's), for tests and proxies. */
  apiUrl?: string;
}

/** The bundled model that `npm start` runs. */
export const DEFAULT_MODEL_DIR = path.join(PROJECT_ROOT, 'models', 'default');

/** The bundled shop demo's actions: order lookups answered from a sample orders file (conversations/corpus/). */
export const DEFAULT_ACTIONS_FILE = path.join(PROJECT_ROOT, 'conversations', 'corpus', 'shop-actions.json');

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
    actionsFile: value(env, 'COLLOQUY_ACTIONS') ?? DEFAULT_ACTIONS_FILE,
    ...optional('actionsToken', value(env, 'COLLOQUY_ACTIONS_TOKEN')),
    web: readWebConfig(env),
    ...optional('slack', readSlackConfig(env)),
    ...optional('discord', readDiscordConfig(env)),
  };
}

/** COLLOQUY_WASM_THREADS as a thread count (1 when unset); anything but a positive integer is an error naming it. */
function readWasmThreads(env: NodeJS.ProcessEnv): number {
  const raw = value(env, 'COLLOQUY_WASM_THREADS');
  if (raw === undefined) return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw configError(`COLLOQUY_WASM_THREADS must be an integer from 1 to 64, got ${JSON.stringify(raw)}`, 'Use 2 on a 2-core machine, or unset it (threads off).');
  return n;
}

function readWebConfig(env: NodeJS.ProcessEnv): WebEnvConfig {
  const list = (v: string | undefined) => (v ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  const port = env.COLLOQUY_PORT === undefined || env.COLLOQUY_PORT === '' ? 3000 : Number(env.COLLOQUY_PORT);
  return {
    port,
    host: env.COLLOQUY_HOST || '127.0.0.1',
    ...(env.COLLOQUY_SECRET ? { secret: env.COLLOQUY_SECRET } : {}),
    allowedOrigins: list(env.COLLOQUY_ALLOWED_ORIGINS),
    frameAncestors: list(env.COLLOQUY_FRAME_ANCESTORS),
    ...optional('adminToken', value(env, 'COLLOQUY_ADMIN_TOKEN')),
  };
}

/** `{ [key]: value }`, or nothing when `value` is undefined (optional keys stay absent). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** A variable's value, trimmed (a pasted token often ends in a newline); undefined when unset or blank. */
function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return env[name]?.trim() || undefined;
}

function configError(message: string, hint: string): ColloquyError {
  return new ColloquyError('config_invalid', message, hint);
}

/** An http(s) URL, or undefined; anything else is an error naming the variable. */
function urlValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = value(env, name);
  if (v === undefined) return undefined;
  let ok = false;
  try {
    ok = ['http:', 'https:'].includes(new URL(v).protocol);
  } catch {
    /* not a URL */
  }
  if (!ok) throw configError(`${name} must be an http(s) URL, got ${JSON.stringify(v)}`, `Unset ${name} to use the platform's own API.`);
  return v;
}

/** The Slack settings when SLACK_BOT_TOKEN is set; a missing companion variable is an error naming it. */
export function readSlackConfig(env: NodeJS.ProcessEnv): SlackEnvConfig | undefined {
  const botToken = value(env, 'SLACK_BOT_TOKEN');
  const signingSecret = value(env, 'SLACK_SIGNING_SECRET');
  const appToken = value(env, 'SLACK_APP_TOKEN');
  const how = 'Set SLACK_SIGNING_SECRET (events over HTTP) or SLACK_APP_TOKEN (Socket Mode); README section "Slack" shows where to find them.';
  if (!botToken) {
    const orphan = signingSecret ? 'SLACK_SIGNING_SECRET' : appToken ? 'SLACK_APP_TOKEN' : undefined;
    if (orphan) throw configError(`${orphan} is set but SLACK_BOT_TOKEN is not`, 'Set SLACK_BOT_TOKEN (the bot token, xoxb-…) too, or unset the Slack variables.');
    return undefined;
  }
  if (!signingSecret && !appToken) throw configError('SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET nor SLACK_APP_TOKEN is', how);
  const rawPort = value(env, 'SLACK_PORT');
  const port = rawPort === undefined ? 3001 : Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw configError(`SLACK_PORT must be an integer from 0 to 65535, got ${JSON.stringify(rawPort)}`, 'Leave it unset for 3001.');
  const agentsChannel = value(env, 'SLACK_AGENTS_CHANNEL');
  const apiUrl = urlValue(env, 'SLACK_API_URL');
  return { botToken, ...(signingSecret ? { signingSecret } : {}), ...(appToken ? { appToken } : {}), port, ...(agentsChannel ? { agentsChannel } : {}), ...(apiUrl ? { apiUrl } : {}) };
}

/** The Discord settings when DISCORD_TOKEN is set. */
export function readDiscordConfig(env: NodeJS.ProcessEnv): DiscordEnvConfig | undefined {
  const token = value(env, 'DISCORD_TOKEN');
  if (!token) return undefined;
  const agentsChannelId = value(env, 'DISCORD_AGENTS_CHANNEL');
  const apiUrl = urlValue(env, 'DISCORD_API_URL');
  return { token, ...(agentsChannelId ? { agentsChannelId } : {}), ...(apiUrl ? { apiUrl } : {}) };
}


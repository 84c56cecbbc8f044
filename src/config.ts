import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
  /** COLLOQUY_LOG_LEVEL: debug | info | warn | error | silent. */
  logLevel: LogLevel;
  /** Settings of the web channel (`colloquy serve`). */
  web: WebEnvConfig;
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
}

/** The bundled model that `npm start` runs. */
export const DEFAULT_MODEL_DIR = path.join(PROJECT_ROOT, 'models', 'default');

/** Where conversations are logged unless told otherwise (runtime data, git-ignored). */
export const DEFAULT_DATA_DIR = path.join(PROJECT_ROOT, 'conversations');

/** Reads the environment once; the CLI passes the result down. */
export function readEnvConfig(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  const backend = (env.COLLOQUY_BACKEND ?? 'auto') as EnvConfig['backend'];
  const logLevel = (env.COLLOQUY_LOG_LEVEL ?? 'info') as LogLevel;
  return { backend, model: env.COLLOQUY_MODEL ?? DEFAULT_MODEL_DIR, logLevel, web: readWebConfig(env) };
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
  };
}

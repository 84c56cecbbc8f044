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
}

/** The bundled model that `npm start` runs. */
export const DEFAULT_MODEL_DIR = path.join(PROJECT_ROOT, 'models', 'default');

/** Where conversations are logged unless told otherwise (runtime data, git-ignored). */
export const DEFAULT_DATA_DIR = path.join(PROJECT_ROOT, 'conversations');

/** Reads the environment once; the CLI passes the result down. */
export function readEnvConfig(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  const backend = (env.COLLOQUY_BACKEND ?? 'auto') as EnvConfig['backend'];
  const logLevel = (env.COLLOQUY_LOG_LEVEL ?? 'info') as LogLevel;
  return { backend, model: env.COLLOQUY_MODEL ?? DEFAULT_MODEL_DIR, logLevel };
}

import { readEnvConfig, umaskFor, type EnvConfig } from '../config.ts';
import { ColloquyError } from '../errors.ts';
import { createLogger, type Logger } from '../logger.ts';
import { initBackend, type BackendName } from '../runtime/backend.ts';
import { enableWasmThreads } from '../runtime/wasm-threads.ts';

/** What every command gets: the environment's settings, the logger, output, and backend start-up. */
export interface CliContext {
  env: EnvConfig;
  logger: Logger;
  /** Writes a line to stdout (results, replies). */
  print(line: string): void;
  /** Starts the tensor backend (flag → env → auto) and returns its name. */
  startBackend(flag: unknown): Promise<BackendName>;
}

const BACKENDS = ['auto', 'node', 'wasm', 'cpu'];

/** Builds the context from the environment; `threads` (the global `--threads`) overrides COLLOQUY_WASM_THREADS. */
export function createCliContext(env: EnvConfig = readEnvConfig(), { threads }: { threads?: number } = {}): CliContext {
  const logger = createLogger({ level: env.logLevel });
  // conversation logs, exports and models hold user data: what the commands create is owner-only unless configured
  process.umask(umaskFor(env.fileAccess));
  return {
    env,
    logger,
    print: (line) => process.stdout.write(line + '\n'),
    async startBackend(flag) {
      const choice = typeof flag === 'string' ? flag : env.backend;
      if (!BACKENDS.includes(choice)) throw new ColloquyError('usage', `--backend must be one of ${BACKENDS.join(', ')}, got "${choice}"`);
      const wasmThreads = threads ?? env.wasmThreads;
      if (wasmThreads > 1 && (choice === 'wasm' || choice === 'auto')) enableWasmThreads(wasmThreads);
      return initBackend(choice as BackendName | 'auto', logger);
    },
  };
}

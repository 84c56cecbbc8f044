import { isColloquyError } from '../errors.ts';
import { createCliContext, type CliContext } from './context.ts';
import { takeThreadsFlag } from './threads-flag.ts';
import { TRAIN_FLAGS, TRAIN_USAGE, trainCommand } from './commands/train.ts';
import { EVAL_FLAGS, EVAL_USAGE, evalCommand } from './commands/eval.ts';
import { CHAT_FLAGS, CHAT_USAGE, chatCommand } from './commands/chat.ts';
import { SERVE_FLAGS, SERVE_USAGE, serveCommand } from './commands/serve.ts';
import { REVIEW_FLAGS, REVIEW_USAGE, reviewCommand } from './commands/review.ts';
import { EXPORT_FLAGS, EXPORT_USAGE, exportCommand } from './commands/export.ts';
import { MODELS_FLAGS, MODELS_USAGE, modelsCommand } from './commands/models.ts';
import { STORE_FLAGS, STORE_USAGE, storeCommand } from './commands/store.ts';
import { RETRAIN_FLAGS, RETRAIN_USAGE, retrainCommand } from './commands/retrain.ts';
import { DECODING_USAGE } from './commands/generate-flags.ts';
import { INDEX_FLAGS, INDEX_USAGE, indexCommand } from './commands/index-replies.ts';
import { DELETE_USER_FLAGS, DELETE_USER_USAGE, deleteUserCommand } from './commands/delete-user.ts';
import { RETENTION_FLAGS, RETENTION_USAGE, retentionCommand } from './commands/retention.ts';
import { SCORER_COMMAND_FLAGS, SCORER_USAGE, scorerCommand } from './commands/scorer.ts';

interface Command {
  /** Resolves to the exit status, or to nothing for 0. */
  run: (argv: string[], ctx: CliContext) => Promise<void | number>;
  usage: string;
  /** Every flag the command parses; `colloquy <verb> --help` must mention each. */
  flags: Readonly<Record<string, unknown>>;
}

export const COMMANDS: Record<string, Command> = {
  train: { run: trainCommand, usage: TRAIN_USAGE, flags: TRAIN_FLAGS },
  eval: { run: evalCommand, usage: EVAL_USAGE, flags: EVAL_FLAGS },
  chat: { run: chatCommand, usage: CHAT_USAGE, flags: CHAT_FLAGS },
  serve: { run: serveCommand, usage: SERVE_USAGE, flags: SERVE_FLAGS },
  review: { run: reviewCommand, usage: REVIEW_USAGE, flags: REVIEW_FLAGS },
  export: { run: exportCommand, usage: EXPORT_USAGE, flags: EXPORT_FLAGS },
  retrain: { run: retrainCommand, usage: RETRAIN_USAGE, flags: RETRAIN_FLAGS },
  models: { run: modelsCommand, usage: MODELS_USAGE, flags: MODELS_FLAGS },
  store: { run: storeCommand, usage: STORE_USAGE, flags: STORE_FLAGS },
  index: { run: indexCommand, usage: INDEX_USAGE, flags: INDEX_FLAGS },
  scorer: { run: scorerCommand, usage: SCORER_USAGE, flags: SCORER_COMMAND_FLAGS },
  'delete-user': { run: deleteUserCommand, usage: DELETE_USER_USAGE, flags: DELETE_USER_FLAGS },
  retention: { run: retentionCommand, usage: RETENTION_USAGE, flags: RETENTION_FLAGS },
};

const BACKEND_USAGE = '  --backend B          auto|node|wasm|cpu (default: $COLLOQUY_BACKEND or auto)';
const THREADS_USAGE = '  --threads N          wasm threads, any command (default off; $COLLOQUY_WASM_THREADS)';

/** `colloquy <verb> --help`: the verb's usage and flags, with the shared ones it takes. */
export function commandHelp(command: Command): string {
  return [command.usage, ...('strategy' in command.flags ? [DECODING_USAGE] : []), ...('backend' in command.flags ? [BACKEND_USAGE] : []), THREADS_USAGE].join('\n');
}

/** True when the arguments ask for help (`--help`/`-h` before any `--`). */
function wantsHelp(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

function usage(): string {
  return ['Colloquy — an LSTM customer-service chatbot', '', ...Object.values(COMMANDS).map((c) => c.usage + '\n'), 'chat, eval and serve take the decoding flags:', DECODING_USAGE, '', '`colloquy <command> --help` shows one command and its flags. Every command takes --threads N (wasm threads; default off, also COLLOQUY_WASM_THREADS).', 'Environment: COLLOQUY_BACKEND (auto|node|wasm|cpu), COLLOQUY_MODEL, COLLOQUY_MODELS_DIR, COLLOQUY_LOG_LEVEL, COLLOQUY_HOST, COLLOQUY_ADMIN_TOKEN, COLLOQUY_CONTACT_TEXT (the review page at /admin), COLLOQUY_DATABASE_URL and COLLOQUY_DATABASE_SCHEMA (conversations in PostgreSQL, shared by several instances); the variables of each channel: colloquy serve --help'].join('\n');
}

/** Runs the CLI; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`error: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  if (wantsHelp(rest)) {
    process.stdout.write(commandHelp(command) + '\n');
    return 0;
  }
  try {
    // inside the try: a bad environment (SLACK_BOT_TOKEN without its companion...) is a clear error, not a stack trace
    const { threads, argv: commandArgv } = takeThreadsFlag(rest);
    const ctx = createCliContext(undefined, { threads });
    return (await command.run(commandArgv, ctx)) ?? 0;
  } catch (err) {
    if (isColloquyError(err)) {
      process.stderr.write(`error: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}`);
      return err.code === 'colloquy_usage' ? 2 : 1;
    }
    process.stderr.write(`error: ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
}

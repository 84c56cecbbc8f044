import { isColloquyError } from '../errors.ts';
import { createCliContext } from './context.ts';
import { takeThreadsFlag } from './threads-flag.ts';
import { TRAIN_USAGE, trainCommand } from './commands/train.ts';
import { EVAL_USAGE, evalCommand } from './commands/eval.ts';
import { CHAT_USAGE, chatCommand } from './commands/chat.ts';
import { SERVE_USAGE, serveCommand } from './commands/serve.ts';
import { REVIEW_USAGE, reviewCommand } from './commands/review.ts';
import { EXPORT_USAGE, exportCommand } from './commands/export.ts';
import { MODELS_USAGE, modelsCommand } from './commands/models.ts';
import { RETRAIN_USAGE, retrainCommand } from './commands/retrain.ts';
import { INDEX_USAGE, indexCommand } from './commands/index-replies.ts';
import { DELETE_USER_USAGE, deleteUserCommand } from './commands/delete-user.ts';
import { RETENTION_USAGE, retentionCommand } from './commands/retention.ts';

/** A command resolves to its exit status, or to nothing for 0. */
const COMMANDS: Record<string, { run: (argv: string[], ctx: ReturnType<typeof createCliContext>) => Promise<void | number>; usage: string }> = {
  train: { run: trainCommand, usage: TRAIN_USAGE },
  eval: { run: evalCommand, usage: EVAL_USAGE },
  chat: { run: chatCommand, usage: CHAT_USAGE },
  serve: { run: serveCommand, usage: SERVE_USAGE },
  review: { run: reviewCommand, usage: REVIEW_USAGE },
  export: { run: exportCommand, usage: EXPORT_USAGE },
  retrain: { run: retrainCommand, usage: RETRAIN_USAGE },
  models: { run: modelsCommand, usage: MODELS_USAGE },
  index: { run: indexCommand, usage: INDEX_USAGE },
  'delete-user': { run: deleteUserCommand, usage: DELETE_USER_USAGE },
  retention: { run: retentionCommand, usage: RETENTION_USAGE },
};

function usage(): string {
  return ['Colloquy — an LSTM customer-service chatbot', '', ...Object.values(COMMANDS).map((c) => c.usage + '\n'), 'Every command takes --threads N (wasm threads; default off, also COLLOQUY_WASM_THREADS).', 'Environment: COLLOQUY_BACKEND (auto|node|wasm|cpu), COLLOQUY_MODEL, COLLOQUY_MODELS_DIR, COLLOQUY_LOG_LEVEL, COLLOQUY_PORT, COLLOQUY_HOST, COLLOQUY_SECRET, COLLOQUY_ALLOWED_ORIGINS, COLLOQUY_ADMIN_TOKEN (the review page at /admin); channels for serve: SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN (SLACK_PORT, SLACK_AGENTS_CHANNEL), DISCORD_TOKEN (DISCORD_AGENTS_CHANNEL)'].join('\n');
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

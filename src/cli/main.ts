import { isColloquyError } from '../errors.ts';
import { createCliContext } from './context.ts';
import { TRAIN_USAGE, trainCommand } from './commands/train.ts';
import { EVAL_USAGE, evalCommand } from './commands/eval.ts';
import { CHAT_USAGE, chatCommand } from './commands/chat.ts';
import { SERVE_USAGE, serveCommand } from './commands/serve.ts';

const COMMANDS: Record<string, { run: (argv: string[], ctx: ReturnType<typeof createCliContext>) => Promise<void>; usage: string }> = {
  train: { run: trainCommand, usage: TRAIN_USAGE },
  eval: { run: evalCommand, usage: EVAL_USAGE },
  chat: { run: chatCommand, usage: CHAT_USAGE },
  serve: { run: serveCommand, usage: SERVE_USAGE },
};

function usage(): string {
  return ['Colloquy — an LSTM customer-service chatbot', '', ...Object.values(COMMANDS).map((c) => c.usage + '\n'), 'Environment: COLLOQUY_BACKEND (auto|node|wasm|cpu), COLLOQUY_MODEL, COLLOQUY_LOG_LEVEL, COLLOQUY_PORT, COLLOQUY_HOST, COLLOQUY_SECRET, COLLOQUY_ALLOWED_ORIGINS'].join('\n');
}

/** Runs the CLI; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  const ctx = createCliContext();
  if (!command) {
    process.stderr.write(`error: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  try {
    await command.run(rest, ctx);
    return 0;
  } catch (err) {
    if (isColloquyError(err)) {
      process.stderr.write(`error: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}`);
      return err.code === 'colloquy_usage' ? 2 : 1;
    }
    process.stderr.write(`error: ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
}

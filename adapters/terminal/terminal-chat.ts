import readline from 'node:readline';
import { isColloquyError, type Generator, type GenerateOptions, type Turn } from '../../src/index.ts';

export interface TerminalChatOptions {
  generator: Generator;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Interactive mode: a prompt, streamed replies, /reset and /quit. Defaults to whether input is a terminal. */
  interactive?: boolean;
  generate?: Partial<GenerateOptions>;
  /** Turns of history kept for context (the generator cuts further to its token budget). */
  maxHistoryTurns?: number;
}

const HELP = 'Type a message and press Enter. /reset starts over, /quit leaves.';

/**
 * The terminal chat. Interactive: replies stream token by token after a
 * `bot>` prompt. Scripted (stdin is not a terminal): each input line gets
 * exactly one output line, and the chat ends at end of input.
 */
export async function runTerminalChat(opts: TerminalChatOptions): Promise<void> {
  const input = opts.input ?? process.stdin;
  const output = opts.output ?? process.stdout;
  const interactive = opts.interactive ?? Boolean((input as NodeJS.ReadStream).isTTY);
  const maxTurns = opts.maxHistoryTurns ?? 40;
  const rl = readline.createInterface({ input, output: interactive ? output : undefined, terminal: interactive });
  const write = (s: string) => output.write(s);
  let history: Turn[] = [];

  if (interactive) {
    write(`${HELP}\n`);
    rl.setPrompt('you> ');
    rl.prompt();
  }
  for await (const raw of rl) {
    const text = raw.trim();
    if (interactive && text === '/quit') break;
    if (text === '/reset') {
      history = [];
      write(interactive ? 'Starting over.\n' : 'Starting over.\n');
    } else if (!text) {
      write(interactive ? '' : 'Please type a message.\n');
    } else {
      history.push({ speaker: 'user', text });
      const reply = await answer(opts.generator, history, interactive, write, opts.generate);
      if (reply) history.push({ speaker: 'bot', text: reply });
      history = history.slice(-maxTurns);
    }
    if (interactive) rl.prompt();
  }
  rl.close();
}

async function answer(generator: Generator, history: Turn[], interactive: boolean, write: (s: string) => void, generate?: Partial<GenerateOptions>): Promise<string | undefined> {
  const stream = generator.reply(history, generate);
  try {
    if (interactive) {
      write('bot> ');
      for await (const piece of stream) write(piece);
      write('\n');
      return (await stream.result).text;
    }
    const { text } = await stream.result;
    write(text.replace(/\s*\n\s*/g, ' ') + '\n');
    return text;
  } catch (err) {
    if (!isColloquyError(err)) throw err;
    write(`${interactive ? '\n' : ''}Sorry, I couldn't answer that: ${err.message}\n`);
    return undefined;
  }
}

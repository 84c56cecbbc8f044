import os from 'node:os';
import readline from 'node:readline';
import type { Engine, EngineReply } from '../../src/index.ts';

export interface TerminalChatOptions {
  engine: Engine;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Interactive mode: a prompt, streamed replies, /quit. Defaults to whether input is a terminal. */
  interactive?: boolean;
  /** One conversation per run by default. */
  conversationId?: string;
  /** Defaults to the OS user name. */
  userId?: string;
}

/** The channel name terminal conversations are logged under. */
export const TERMINAL_CHANNEL = 'terminal';
const QUIT = '/quit';

/**
 * The terminal chat, a channel like any other: every line goes through
 * `engine.handle`. Interactive: replies stream after a `bot>` prompt, and what
 * an agent or the engine sends on its own (hand-off notices) appears as it
 * comes. Scripted (stdin is not a terminal): each input line gets exactly one
 * output line (empty while a human holds the conversation), and the chat ends
 * at end of input.
 *
 * @example
 * await runTerminalChat({ engine: createEngine({ generator, store }) });
 */
export async function runTerminalChat(opts: TerminalChatOptions): Promise<void> {
  const { engine } = opts;
  const input = opts.input ?? process.stdin;
  const output = opts.output ?? process.stdout;
  const interactive = opts.interactive ?? Boolean((input as NodeJS.ReadStream).isTTY);
  const conversationId = opts.conversationId ?? `${TERMINAL_CHANNEL}:${new Date().toISOString()}:${process.pid}`;
  const userId = opts.userId ?? localUser();
  const rl = readline.createInterface({ input, output: interactive ? output : undefined, terminal: interactive });
  const write = (s: string) => output.write(s);
  const pushed = interactive ? showPushedMessages(engine, conversationId, rl, write) : undefined;

  if (interactive) {
    const { reset, help } = engine.options.commands;
    write(`Type a message and press Enter. ${reset} starts over, ${help} shows what I can do, ${QUIT} leaves.\n`);
    rl.setPrompt('you> ');
    rl.prompt();
  }
  try {
    for await (const line of rl) {
      if (interactive && line.trim() === QUIT) break;
      if (interactive && !line.trim()) {
        rl.prompt();
        continue;
      }
      pushed?.hold(); // what arrives meanwhile is printed between the lines, not into them
      const reply = await engine.handle({ channel: TERMINAL_CHANNEL, conversationId, userId, text: line, receivedAt: new Date() });
      if (interactive) {
        pushed!.flush(); // notices written while the message was handled (a timed-out hand-off) come first
        await streamReply(reply, write);
        pushed!.release();
        rl.prompt();
      } else {
        const { text } = await reply.result;
        write(text.replace(/\s*\n\s*/g, ' ') + '\n');
      }
    }
  } finally {
    pushed?.stop();
    rl.close();
  }
}

/** Prints the reply as it streams; a final text that differs (a fallback, a fact-checked replacement) replaces it on the same line. */
async function streamReply(reply: EngineReply, write: (s: string) => void): Promise<void> {
  let started = false;
  let streamed = '';
  for await (const piece of reply.stream) {
    if (!started) write('bot> ');
    started = true;
    streamed += piece;
    write(piece);
  }
  const result = await reply.result;
  if (result.kind === 'silent') return;
  if (started && result.text !== streamed.trim()) write(`\r\x1b[Kbot> ${result.text}`);
  else if (!started) write(`bot> ${result.text}`);
  write('\n');
}

/**
 * Agent messages and engine notices for this conversation, printed above the
 * prompt as they come — or, while a reply is being printed, right after it.
 */
function showPushedMessages(engine: Engine, conversationId: string, rl: readline.Interface, write: (s: string) => void) {
  let held: string[] | undefined;
  const show = (who: string, text: string) => {
    const line = `${who}> ${text}\n`;
    if (held) return void held.push(line);
    write(`\r${line}`);
    rl.prompt(true);
  };
  const unwatch = engine.watch(conversationId, ({ event, payload }) => {
    if (event === 'agent-message') show('agent', payload.text);
    else if (event === 'notice') show('bot', payload.text);
  });
  const flush = () => {
    for (const line of held?.splice(0) ?? []) write(line);
  };
  return {
    hold: () => void (held = []),
    flush,
    release() {
      flush();
      held = undefined;
    },
    stop: unwatch,
  };
}

function localUser(): string {
  try {
    return os.userInfo().username || 'local';
  } catch {
    return 'local';
  }
}

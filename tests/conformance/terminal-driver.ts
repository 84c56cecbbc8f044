/**
 * Conformance driver for the terminal channel: one interactive
 * `runTerminalChat` per user over PassThrough streams, read the way a person
 * reads the screen. A reply is the `bot> ` line printed between the user's
 * line and the next `you> ` prompt; `agent> ` and `bot> ` lines printed
 * outside that are pushed messages. The terminal has no way to rate a reply.
 */
import { PassThrough } from 'node:stream';
import { runTerminalChat } from '../../adapters/terminal/terminal-chat.ts';
import type { Engine } from '../../src/engine/types.ts';
import type { ConformanceDriver } from './driver.ts';

const PROMPT = 'you> ';
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
/** How long one answer may take on a loaded machine. */
const ANSWER_TIMEOUT_MS = 30_000;

interface Chat {
  input: PassThrough;
  /** Everything printed, with terminal control sequences removed. */
  screen: string;
  /** Where unread lines start in `screen`. */
  read: number;
  /** True while `say` owns the screen (lines are an answer, not pushed). */
  answering: boolean;
  pushed: string[];
  changed: Array<() => void>;
  done: Promise<void>;
}

/** A driver that runs the terminal chat, one conversation per user. */
export function createTerminalDriver(): ConformanceDriver {
  let engine: Engine | undefined;
  const chats = new Map<string, Chat>();
  const conversationId = (user: string) => `terminal:conformance:${user}`;

  const chatOf = async (user: string): Promise<Chat> => {
    const existing = chats.get(user);
    if (existing) return existing;
    if (!engine) throw new Error('terminal driver: start() first');
    const input = new PassThrough();
    const output = new PassThrough();
    const chat: Chat = { input, screen: '', read: 0, answering: false, pushed: [], changed: [], done: Promise.resolve() };
    output.setEncoding('utf8').on('data', (chunk: string) => {
      chat.screen += chunk.replace(ANSI, '');
      if (!chat.answering) readPushed(chat);
      for (const notify of chat.changed.splice(0)) notify();
    });
    chat.done = runTerminalChat({ engine, input, output, interactive: true, conversationId: conversationId(user), userId: user });
    chats.set(user, chat);
    await until(chat, () => chat.screen.endsWith(PROMPT), 'the first prompt');
    chat.read = chat.screen.length;
    return chat;
  };

  return {
    name: 'terminal',
    async start(e) {
      engine = e;
    },
    async stop() {
      for (const chat of chats.values()) chat.input.end();
      await Promise.all([...chats.values()].map((c) => c.done));
      chats.clear();
    },
    conversationId,

    async say(user, text) {
      const chat = await chatOf(user);
      readPushed(chat);
      chat.answering = true;
      const start = chat.screen.length;
      try {
        chat.input.write(text + '\n');
        // the answer is done when the prompt is back after the user's line
        // (cheap tests first: a pasted 20,000-character line is echoed one character at a time)
        const answered = () => chat.screen.endsWith(PROMPT) && chat.screen.indexOf('\n', start) >= 0 && lastSegment(chat.screen) === PROMPT;
        await until(chat, answered, 'the answer and the next prompt');
        const region = chat.screen.slice(start);
        const lines = region.slice(0, region.lastIndexOf('\n')).split('\n').slice(1).map(shown);
        chat.read = start + region.lastIndexOf('\n') + 1;
        const replyAt = lines.findIndex((l) => l.startsWith('bot> '));
        // lines printed around the answer (held while it streamed) are pushed messages
        lines.forEach((line, i) => i !== replyAt && pushLine(chat, line));
        return replyAt < 0 ? '' : lines[replyAt].slice('bot> '.length);
      } finally {
        chat.answering = false;
      }
    },

    async feedback() {
      throw new Error('the terminal chat has no way to rate a reply');
    },

    async nextPushed(user, timeoutMs = 5000) {
      const chat = await chatOf(user);
      await until(chat, () => chat.pushed.length > 0, `a pushed message for ${user}`, timeoutMs);
      return chat.pushed.shift()!;
    },
  };
}

/** What a screen line shows after carriage returns overwrote it. */
function shown(line: string): string {
  const parts = line.replace(/\r$/, '').split('\r');
  return parts[parts.length - 1];
}

function lastSegment(s: string): string {
  return shown(s.slice(s.lastIndexOf('\n') + 1));
}

/** Moves complete `agent> ` / `bot> ` lines printed while idle to the pushed queue. */
function readPushed(chat: Chat): void {
  const end = chat.screen.lastIndexOf('\n');
  if (end < chat.read) return;
  for (const line of chat.screen.slice(chat.read, end).split('\n')) pushLine(chat, shown(line));
  chat.read = end + 1;
}

function pushLine(chat: Chat, line: string): void {
  const m = /^(?:agent|bot)> (.*)$/.exec(line);
  if (m) chat.pushed.push(line.startsWith('agent> ') ? line : m[1]);
}

/** Waits until `check` holds, re-checking whenever the chat prints. */
function until(chat: Chat, check: () => boolean, what: string, timeoutMs = ANSWER_TIMEOUT_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`terminal driver: timed out after ${timeoutMs} ms waiting for ${what}; screen ends: ${JSON.stringify(chat.screen.slice(-300))}`)), timeoutMs);
    const test = () => {
      if (check()) {
        clearTimeout(timer);
        resolve();
      } else chat.changed.push(test);
    };
    test();
  });
}

/** The terminal channel: chat with the bot on stdin and stdout (`colloquy chat`). */
export { terminalChannel } from './plugin.ts';
export { runTerminalChat, TERMINAL_CHANNEL } from './terminal-chat.ts';

/** The terminal channel as a plugin: a foreground channel (`colloquy chat`) over stdin and stdout. */
import type { ChannelPlugin } from '../../src/index.ts';
import { runTerminalChat, TERMINAL_CHANNEL } from './terminal-chat.ts';

export const terminalChannel: ChannelPlugin = {
  name: TERMINAL_CHANNEL,
  variables: [],
  foreground: true,
  fromConfig: () => ({
    capabilities: { streaming: true, typing: false, reactions: false, threads: false },
    async start({ engine }) {
      const input = process.stdin;
      const done = runTerminalChat({ engine, input });
      return {
        done,
        async stop() {
          input.pause();
          input.destroy();
          await done.catch(() => undefined);
        },
      };
    },
  }),
};

/**
 * A channel added the way README "Writing an adapter" says — a folder with a
 * plugin plus one registry line — configured from its declared variable by
 * the same code `colloquy serve` runs, then put through the conformance kit.
 */
import { randomUUID } from 'node:crypto';
import { BUILTIN_CHANNELS } from '../../../adapters/registry.ts';
import { configuredChannels } from '../../../src/cli/channels.ts';
import { readEnvConfig } from '../../../src/config.ts';
import { silentLogger } from '../../../src/index.ts';
import type { RunningChannel } from '../../../src/channels/types.ts';
import { runConformanceKit } from '../../conformance/kit.ts';
import type { ConformanceDriver } from '../../conformance/driver.ts';
import { toyChannel } from './plugin.ts';
import { closeRoom, openRoom } from './room.ts';

/** The registry with the toy channel's one line added. */
const REGISTRY = [...BUILTIN_CHANNELS, toyChannel];
const ANSWER_TIMEOUT_MS = 30_000;

function createToyDriver(): ConformanceDriver {
  const roomName = `room-${randomUUID()}`;
  const room = openRoom(roomName);
  let running: RunningChannel | undefined;
  const read = new Map<string, number>();
  const unread = (user: string) => room.messagesTo(user).slice(read.get(user) ?? 0);
  const markRead = (user: string, upTo: number) => read.set(user, Math.max(read.get(user) ?? 0, upTo));

  return {
    name: 'toy',
    async start(engine) {
      const env = readEnvConfig({ TOY_ROOM: roomName });
      const toy = configuredChannels(REGISTRY, env, { foreground: false }).find((c) => c.name === 'toy');
      if (!toy) throw new Error('the registry did not configure the toy channel from TOY_ROOM');
      running = await toy.channel.start({ engine, logger: silentLogger, host: '127.0.0.1', dataDir: '/nonexistent' });
    },
    async stop() {
      await running?.stop();
      closeRoom(roomName);
    },
    conversationId: (user) => `toy:${user}`,

    async say(user, text, opts) {
      const id = room.post(user, text);
      const isAnswer = () => room.messagesTo(user).find((m) => m.replyTo === id);
      // a scenario that expects silence says how long to wait; otherwise the answer comes, however loaded the machine
      const answer = await room.until(isAnswer, opts?.silenceMs ?? ANSWER_TIMEOUT_MS, 'answer').catch(() => undefined);
      return answer?.text ?? '';
    },

    async feedback(user, value) {
      const last = room.messagesTo(user).filter((m) => m.replyTo).at(-1);
      if (!last) throw new Error(`${user} has no answer to rate`);
      room.react(user, last.id, value === 'up' ? '👍' : '👎');
    },

    async nextPushed(user, timeoutMs = 5000) {
      const pushed = await room.until(() => unread(user).find((m) => !m.replyTo), timeoutMs, `pushed message for ${user}`);
      markRead(user, room.messagesTo(user).indexOf(pushed) + 1);
      return pushed.text;
    },
  };
}

runConformanceKit('toy', () => createToyDriver());

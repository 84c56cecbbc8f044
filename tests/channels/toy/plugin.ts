/**
 * The toy channel: what a new channel looks like — one folder with a plugin,
 * added to the registry with one line. It talks to the engine only:
 * `engine.handle` for messages, `engine.feedback` for reactions,
 * `engine.connect` for what reaches the user on its own.
 */
import type { ChannelPlugin, Engine } from '../../../src/index.ts';
import { openRoom, type ToyMessage, type ToyRoom } from './room.ts';

const conversationOf = (user: string) => `toy:${user}`;
const userOf = (conversationId: string) => conversationId.slice('toy:'.length);
const FEEDBACK: Record<string, 'up' | 'down'> = { '👍': 'up', '👎': 'down' };

export const toyChannel: ChannelPlugin = {
  name: 'toy',
  variables: [{ name: 'TOY_ROOM', description: 'the toy room the bot joins; turns the toy channel on' }],
  fromConfig: (values) => {
    const roomName = values.TOY_ROOM;
    if (!roomName) return undefined;
    return {
      capabilities: { streaming: false, typing: false, reactions: true, threads: false },
      async start({ engine }) {
        const room = openRoom(roomName);
        const turns = new Map<string, { conversationId: string; turnId: string }>();
        const work = new Set<Promise<void>>();
        const track = (p: Promise<void>) => {
          work.add(p);
          void p.finally(() => work.delete(p));
        };
        const unlisten = room.listen({
          message: (m) => track(answer(engine, room, m, turns)),
          reaction: (r) => {
            const turn = turns.get(r.messageId);
            const value = FEEDBACK[r.emoji];
            if (turn && value) track(engine.feedback({ ...turn, value, userId: r.user }));
          },
        });
        const disconnect = engine.connect('toy', {
          'agent-message': (e) => void room.send(userOf(e.conversationId), `${e.agentId}: ${e.text}`),
          notice: (e) => void room.send(userOf(e.conversationId), e.text),
        });
        return {
          async stop() {
            unlisten();
            await Promise.allSettled([...work]);
            disconnect();
          },
        };
      },
    };
  },
};

/** Hands a person's message to the engine and posts the final text (nothing when the bot stays silent). */
async function answer(engine: Engine, room: ToyRoom, m: ToyMessage, turns: Map<string, { conversationId: string; turnId: string }>): Promise<void> {
  const conversationId = conversationOf(m.from);
  const reply = await engine.handle({ channel: 'toy', conversationId, userId: m.from, text: m.text, receivedAt: new Date() });
  for await (const piece of reply.stream) void piece; // no streaming on this platform
  const result = await reply.result;
  if (result.kind === 'silent' || !result.text) return;
  const id = room.send(m.from, result.text, m.id);
  if (result.turnId) turns.set(id, { conversationId, turnId: result.turnId });
}

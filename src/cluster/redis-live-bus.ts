/**
 * The live-events bus in Redis pub/sub: every instance publishes its
 * conversation events on one channel (`<prefix>live`) and hands what others
 * published to its own watchers of that conversation. One channel keeps the
 * subscription single and easy to restore after Redis comes back; each
 * instance filters by conversation, which is cheap next to generating a reply.
 * Redis down: events stay within their instance (a widget on another one
 * catches up from the history when it reconnects); replies never wait for it.
 */
import { randomUUID } from 'node:crypto';
import type { LiveBus } from '../engine/live-bus.ts';
import type { ConversationEvent, ConversationListener } from '../engine/routing.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { closeRedis, openRedis, type RedisConnection } from './redis.ts';

export interface RedisLiveBusOptions {
  url: string;
  /** Key and channel prefix (COLLOQUY_REDIS_PREFIX). */
  prefix: string;
  logger?: Logger;
}

interface Envelope {
  from: string;
  conversationId: string;
  event: ConversationEvent;
}

/**
 * @example
 * const bus = await createRedisLiveBus({ url: 'redis://127.0.0.1:6379', prefix: 'colloquy:', logger });
 * const engine = createEngine({ generator, store, bus });
 */
export async function createRedisLiveBus({ url, prefix, logger = silentLogger }: RedisLiveBusOptions): Promise<LiveBus> {
  const self = randomUUID(); // this process: its own events are already delivered by the router
  const channel = `${prefix}live`;
  const listeners = new Map<string, Set<ConversationListener>>();
  const [publisher, subscriber]: RedisConnection[] = await Promise.all([openRedis({ url, logger, purpose: 'live events' }), openRedis({ url, logger, purpose: 'live events (subscriber)' })]);
  let publishFailing = false;

  const deliver = (raw: string) => {
    let message: Envelope;
    try {
      message = JSON.parse(raw) as Envelope;
    } catch {
      return logger.warn('ignored a live event that is not JSON', { channel });
    }
    if (message.from === self) return;
    for (const listener of [...(listeners.get(message.conversationId) ?? [])]) {
      Promise.resolve()
        .then(() => listener(message.event))
        .catch((err: unknown) => logger.error(`"${message.event.event}" watcher failed`, { error: (err as Error)?.message ?? String(err) }));
    }
  };
  let subscribed = false;
  const subscribe = async () => {
    if (subscribed) return;
    try {
      await subscriber.subscribe(channel, deliver);
      subscribed = true;
    } catch (err) {
      logger.warn('cannot subscribe to live events yet; retrying when Redis is back', { error: (err as Error).message });
    }
  };
  subscriber.on('ready', () => void subscribe()); // after an outage (node-redis restores a subscription it had; this covers one it never got)
  await subscribe();

  return {
    publish(conversationId, event) {
      const body = JSON.stringify({ from: self, conversationId, event } satisfies Envelope);
      publisher.publish(channel, body).then(
        () => {
          if (publishFailing) logger.info('live events reach Redis again');
          publishFailing = false;
        },
        (err: Error) => {
          if (!publishFailing) logger.warn('live events cannot reach Redis: other instances miss them until it is back', { error: err.message });
          publishFailing = true;
        },
      );
    },
    subscribe(conversationId, listener) {
      const set = listeners.get(conversationId) ?? new Set();
      listeners.set(conversationId, set);
      set.add(listener);
      return () => {
        set.delete(listener);
        if (!set.size && listeners.get(conversationId) === set) listeners.delete(conversationId);
      };
    },
    async close() {
      listeners.clear();
      await Promise.all([closeRedis(publisher), closeRedis(subscriber)]);
    },
  };
}

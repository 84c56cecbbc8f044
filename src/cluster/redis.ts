/**
 * One way to open Redis: commands fail fast while it is unreachable (no
 * offline queue, a per-command deadline), the client reconnects in the
 * background, and errors are logged once per outage instead of crashing the
 * process. Rate limits and live events build on this and decide themselves
 * what a failed command means.
 */
import { createClient } from 'redis';
import { ColloquyError } from '../errors.ts';
import { silentLogger, type Logger } from '../logger.ts';

/** Longest wait between reconnection attempts (ms). */
const MAX_RECONNECT_MS = 2_000;

/** A client that fails fast while Redis is away and reconnects by itself. */
function createFailFastClient(url: string) {
  return createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2_000, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, MAX_RECONNECT_MS) },
  });
}

export type RedisConnection = ReturnType<typeof createFailFastClient>;

export interface RedisOptions {
  url: string;
  logger?: Logger;
  /** What the connection is for, in log lines (`rate limits`, `live events`). */
  purpose: string;
  /** How long to wait for the first connection before going on without it (ms; default 2,000). */
  waitMs?: number;
}

/**
 * Opens a connection, waiting at most `waitMs` for it: a server that starts
 * while Redis is down still starts, and picks Redis up when it comes back.
 *
 * @example
 * const redis = await openRedis({ url: 'redis://127.0.0.1:6379', purpose: 'rate limits', logger });
 */
export async function openRedis({ url, logger = silentLogger, purpose, waitMs = 2_000 }: RedisOptions): Promise<RedisConnection> {
  let down = false;
  const client = createFailFastClient(url);
  client.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger.warn(`Redis unreachable (${purpose}); retrying in the background`, { error: err.message });
  });
  client.on('ready', () => {
    if (down) logger.info(`Redis reachable again (${purpose})`);
    down = false;
  });
  const connected = client.connect().then(() => undefined, () => undefined); // failures go to the error handler; it reconnects on its own
  await withDeadline(connected, waitMs).catch(() => undefined);
  return client;
}

/** Closes a connection, whatever state it is in: gracefully when Redis answers, at once when it does not. */
export async function closeRedis(client: RedisConnection): Promise<void> {
  try {
    if (client.isReady) return void (await withDeadline(client.close(), 1_000));
  } catch {
    /* destroyed below */
  }
  if (client.isOpen) client.destroy();
}

/** Runs one Redis command with a deadline: Redis that hangs counts as Redis that is down. */
export async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ColloquyError('redis_timeout', `Redis did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Redis for the tests that need it: COLLOQUY_TEST_REDIS_URL (default the
 * local one). On a machine without Redis those suites are skipped with one
 * line saying how to run them; under CI a missing Redis fails instead.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { createClient } from 'redis';

export const TEST_REDIS_URL = process.env.COLLOQUY_TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/** True when Redis answers a PING within a second. */
export async function redisAvailable(url = TEST_REDIS_URL): Promise<boolean> {
  const client = createClient({ url, socket: { connectTimeout: 1000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    if (client.isOpen) await client.close().catch(() => undefined);
  }
}

/** Whether to skip a Redis suite; prints the one line when it does. Under CI Redis must be there. */
export async function skipWithoutRedis(suite: string): Promise<boolean> {
  if (await redisAvailable()) return false;
  if (process.env.CI) throw new Error(`${suite}: Redis is not reachable at ${TEST_REDIS_URL}; CI must start it (.ci/run)`);
  process.stderr.write(`skipped ${suite}: no Redis at ${TEST_REDIS_URL} (start redis-server or set COLLOQUY_TEST_REDIS_URL to run it)\n`);
  return true;
}

/** A key prefix of its own for one test file, so parallel files and other runs never collide. */
export function testPrefix(name: string): string {
  return `colloquy-test:${name}:${randomUUID().slice(0, 8)}:`;
}

/** Deletes every key under `prefix`. */
export async function deleteKeys(prefix: string, url = TEST_REDIS_URL): Promise<void> {
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 200 })) if (keys.length) await client.del(keys);
  } finally {
    await client.close();
  }
}

/** A TCP server that accepts connections and never answers: Redis that hangs. */
export async function startSilentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A port nothing listens on: Redis that is down. */
export async function closedPortUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return `redis://127.0.0.1:${port}`;
}

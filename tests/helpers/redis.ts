/**
 * Redis helpers for the tests that need it; whether Redis is there (and the
 * one line when it is not) comes from tests/setup/services.ts.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { createClient } from 'redis';
import { testRedisUrl } from './services.ts';

export const TEST_REDIS_URL = testRedisUrl;

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

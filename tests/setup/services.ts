/**
 * vitest global setup: finds out once whether the PostgreSQL and Redis the
 * database tests use are reachable, and hands the answer to every test file
 * (`inject('services')`). On a machine without them (a laptop running
 * `npm test`) the database suites are skipped and ONE line says so and how to
 * run them; in CI (CI=true) they are never skipped: they run and fail.
 */
import net from 'node:net';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

export interface TestServices {
  databaseUrl: string;
  redisUrl: string;
  database: boolean;
  redis: boolean;
  /** CI=true: never skip. */
  ci: boolean;
}

declare module 'vitest' {
  export interface ProvidedContext {
    services: TestServices;
  }
}

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

async function databaseUp(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Sends PING and waits for +PONG (or a NOAUTH error, which also proves a server). */
function redisUp(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port) || 6379 });
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(2000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(/^(\+PONG|-NOAUTH)/.test(d.toString())));
  });
}

export default async function setup(project: TestProject): Promise<void> {
  const databaseUrl = process.env.COLLOQUY_TEST_DATABASE_URL || DEFAULT_DATABASE_URL;
  const redisUrl = process.env.COLLOQUY_TEST_REDIS_URL || DEFAULT_REDIS_URL;
  const ci = process.env.CI === 'true';
  const [database, redis] = await Promise.all([databaseUp(databaseUrl), redisUp(redisUrl)]);
  const missing = [!database && `PostgreSQL (${databaseUrl.replace(/\/\/[^@]*@/, '//')})`, !redis && `Redis (${redisUrl})`].filter(Boolean);
  if (missing.length && !ci) {
    console.warn(`[colloquy tests] SKIPPING the database suites: ${missing.join(' and ')} not reachable. Start them, or point COLLOQUY_TEST_DATABASE_URL / COLLOQUY_TEST_REDIS_URL at yours, or run bash .ci/run (which starts both).`);
  }
  project.provide('services', { databaseUrl, redisUrl, database, redis, ci });
}

/**
 * Each instance follows the database registry: the active version is copied
 * into the instance's models directory with a registry.json mirroring the
 * database's history, and the instance's generator switches to it. A change
 * arrives as a PostgreSQL notification within moments; a poll is the safety
 * net for a notification lost while the listening connection was down.
 */
import pg from 'pg';
import type { DatabaseEnvConfig } from '../../config.ts';
import { silentLogger, type Logger } from '../../logger.ts';
import type { PgPool } from '../../storage/postgres/pool.ts';
import { DEFAULT_VERSION_DIR, readRegistry, withRegistryLock, writeRegistry } from '../registry-file.ts';
import { fetchVersion } from './copy.ts';
import { MODELS_CHANNEL, readDbRegistry } from './registry-db.ts';

export interface RegistryFollowerOptions {
  pool: PgPool;
  /** Where the listening connection goes (the pool's database). */
  database: DatabaseEnvConfig;
  /** This instance's models directory: the active version is copied here. */
  modelsDir: string;
  /** Called after the local copy changed (the generator reloads). */
  onChange?: () => Promise<unknown>;
  /** How often to check the database without a notification (ms; default 3,000). */
  pollMs?: number;
  logger?: Logger;
}

export interface RegistryFollower {
  /** Called after the local copy changed; may be set after creation (the generator opens after the first sync). */
  onChange?: () => Promise<unknown>;
  /** Brings the local copy in line with the database now; true when it changed. */
  sync(): Promise<boolean>;
  /** Follows notifications and the poll until stopped. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * @example
 * const follower = createRegistryFollower({ pool, database: env.database, modelsDir, logger });
 * await follower.sync(); // the active model is now in modelsDir
 * const generator = await ReloadingGenerator.open({ modelsDir });
 * follower.onChange = () => generator.reload();
 * await follower.start();
 */
export function createRegistryFollower(o: RegistryFollowerOptions): RegistryFollower {
  const { pool, database, modelsDir, pollMs = 3_000, logger = silentLogger } = o;
  let lastEventId = -1;
  let syncing: Promise<boolean> = Promise.resolve(false);
  let listener: pg.Client | undefined;
  let poller: NodeJS.Timeout | undefined;
  let reconnect: NodeJS.Timeout | undefined;
  let stopped = false;

  const syncNow = async (): Promise<boolean> => {
    const { rows } = await pool.query<{ id: string }>('SELECT coalesce(max(id), 0) AS id FROM model_events');
    const eventId = Number(rows[0]!.id);
    const registry = await readDbRegistry(pool);
    const active = registry?.active ?? DEFAULT_VERSION_DIR;
    const downloaded = await fetchVersion(pool, active, modelsDir);
    let rewritten = false;
    if (registry) {
      rewritten = await withRegistryLock(modelsDir, async () => {
        const local = await readRegistry(modelsDir).catch(() => undefined);
        if (JSON.stringify(local) === JSON.stringify(registry)) return false;
        await writeRegistry(modelsDir, registry);
        return true;
      });
    }
    lastEventId = eventId;
    if (downloaded) logger.info(`model ${active} copied from the database registry into ${modelsDir}`);
    if (downloaded || rewritten) await follower.onChange?.();
    return downloaded || rewritten;
  };

  const sync = (): Promise<boolean> => {
    syncing = syncing.catch(() => false).then(syncNow);
    return syncing;
  };
  const syncLogged = () =>
    void sync().catch((err: Error) => logger.warn('following the database model registry failed; the current model keeps serving', { error: err.message }));

  const listen = async (): Promise<void> => {
    if (stopped) return;
    const client = new pg.Client({ connectionString: database.url, application_name: 'colloquy-registry-listener' });
    const retry = () => {
      if (stopped || listener !== client) return;
      listener = undefined;
      client.end().catch(() => undefined);
      reconnect = setTimeout(() => void listen(), 1_000);
      reconnect.unref();
    };
    listener = client;
    client.on('error', (err) => {
      logger.warn('the model registry listener lost the database; reconnecting (the poll covers the gap)', { error: err.message });
      retry();
    });
    client.on('end', retry);
    client.on('notification', (n) => {
      if (n.channel === MODELS_CHANNEL && n.payload === pool.schema) syncLogged();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${MODELS_CHANNEL}`);
      syncLogged(); // a change made while not listening
    } catch (err) {
      logger.warn('cannot listen for model promotions; retrying', { error: (err as Error).message });
      retry();
    }
  };

  const follower: RegistryFollower = {
    onChange: o.onChange,
    sync,
    async start() {
      await listen();
      poller = setInterval(() => {
        void pool
          .query<{ id: string }>('SELECT coalesce(max(id), 0) AS id FROM model_events')
          .then(({ rows }) => {
            if (Number(rows[0]!.id) !== lastEventId) syncLogged();
          })
          .catch(() => undefined); // the database is away: the next poll tries again
      }, pollMs);
      poller.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(poller);
      clearTimeout(reconnect);
      const client = listener;
      listener = undefined;
      await client?.end().catch(() => undefined);
      await syncing.catch(() => undefined);
    },
  };
  return follower;
}

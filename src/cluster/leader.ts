/**
 * Leader election for work that must run in one instance at a time (the
 * Discord gateway, the nightly retrain): a PostgreSQL session advisory lock
 * per role, held on a connection of its own. The server releases it the
 * moment that connection ends — a clean stop, a crash, `kill -9` — and the
 * next instance to try (every `retryMs`) takes over.
 */
import pg from 'pg';
import type { DatabaseEnvConfig } from '../config.ts';
import { silentLogger, type Logger } from '../logger.ts';

/** Advisory lock class of leader roles (the second key hashes schema and role). */
const LEADER_LOCK_CLASS = 0x436f6c03;

export interface LeaderElectionOptions {
  database: DatabaseEnvConfig;
  /** What the leader does: `discord`, `retrain`. One lock per role and schema. */
  role: string;
  /** Starts the work; called once each time this instance becomes the leader. */
  onElected: () => unknown;
  /** Stops the work; called when leadership is lost (connection gone) or on stop. */
  onDemoted: () => unknown;
  /** How often a follower tries to take over, and the leader checks its connection (ms; default 1,000). */
  retryMs?: number;
  logger?: Logger;
}

export interface LeaderElection {
  readonly isLeader: boolean;
  readonly role: string;
  /** Gives the role up (demoting first) and stops trying. */
  stop(): Promise<void>;
}

/**
 * @example
 * const election = startLeaderElection({ database: env.database, role: 'retrain', onElected: () => scheduler.start(), onDemoted: () => scheduler.stop(), logger });
 */
export function startLeaderElection({ database, role, onElected, onDemoted, retryMs = 1_000, logger = silentLogger }: LeaderElectionOptions): LeaderElection {
  let client: pg.Client | undefined;
  let leader = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let step: Promise<void> = Promise.resolve();
  const key = `${database.schema}:${role}`;

  const run = async (fn: () => unknown, what: string) => {
    try {
      await fn();
    } catch (err) {
      logger.error(`${role}: ${what} failed`, { error: (err as Error)?.message ?? String(err) });
    }
  };
  const demote = async (why: string) => {
    if (!leader) return;
    leader = false;
    logger.warn(`no longer the ${role} leader (${why})`);
    await run(onDemoted, 'stopping');
  };
  const drop = () => {
    const c = client;
    client = undefined;
    c?.end().catch(() => undefined);
  };

  const attempt = async () => {
    if (stopped) return;
    try {
      if (!client) {
        const c = new pg.Client({ connectionString: database.url, application_name: `colloquy-leader-${role}`, keepAlive: true, query_timeout: 5_000 });
        c.on('error', () => undefined); // the next attempt sees the broken connection and demotes
        client = c;
        await c.connect();
      }
      if (leader) {
        await client.query('SELECT 1'); // still connected, so still holding the lock
        return;
      }
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [LEADER_LOCK_CLASS, key]);
      if (rows[0]?.ok && !stopped) {
        leader = true;
        logger.info(`this instance is now the ${role} leader`);
        await run(onElected, 'starting');
      }
    } catch (err) {
      drop();
      await demote(`database connection lost: ${(err as Error).message}`);
    }
  };
  const loop = () => {
    step = step.then(attempt).finally(() => {
      if (!stopped) {
        timer = setTimeout(loop, retryMs);
        timer.unref();
      }
    });
  };
  loop();

  return {
    role,
    get isLeader() {
      return leader;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await step;
      await demote('stopping');
      drop(); // ending the session releases the lock for the next instance
    },
  };
}

/**
 * Which instances run and what each serves: every instance writes its row
 * (model version, leader roles) every few seconds; `colloquy models list`
 * and the admin read them to check that all instances serve the promoted model.
 */
import { silentLogger, type Logger } from '../logger.ts';
import type { PgPool } from '../storage/postgres/pool.ts';

/** What one instance reports. */
export interface InstanceReport {
  instanceId: string;
  modelName: string;
  modelVersion: string;
  /** Leader roles it holds (`discord`, `retrain`). */
  leaderOf: string[];
  startedAt: string;
  seenAt: string;
  /** Seen within the last `aliveWithinMs`. */
  alive: boolean;
}

export interface PresenceOptions {
  pool: PgPool;
  instanceId: string;
  /** The model this instance serves now. */
  served: () => { name: string; version: string };
  leaderOf?: () => string[];
  /** How often the row is written (ms; default 2,000). */
  intervalMs?: number;
  logger?: Logger;
}

/**
 * Starts reporting; `stop()` removes the row (a killed instance's row stays and ages out as not alive).
 *
 * @example
 * const presence = startPresence({ pool, instanceId: env.instanceId, served: () => ({ name: g.activeName, version: g.modelVersion }) });
 */
export function startPresence({ pool, instanceId, served, leaderOf = () => [], intervalMs = 2_000, logger = silentLogger }: PresenceOptions): { report(): Promise<void>; stop(): Promise<void> } {
  let failing = false;
  const report = async () => {
    const { name, version } = served();
    try {
      await pool.query(
        `INSERT INTO model_instances (instance_id, model_name, model_version, leader_of) VALUES ($1, $2, $3, $4)
         ON CONFLICT (instance_id) DO UPDATE SET model_name = $2, model_version = $3, leader_of = $4, seen_at = now()`,
        [instanceId, name, version, leaderOf()],
      );
      failing = false;
    } catch (err) {
      if (!failing) logger.warn('cannot report this instance to the database; retrying', { error: (err as Error).message });
      failing = true;
    }
  };
  void report();
  const timer = setInterval(() => void report(), intervalMs);
  timer.unref();
  return {
    report,
    async stop() {
      clearInterval(timer);
      await pool.query('DELETE FROM model_instances WHERE instance_id = $1', [instanceId]).catch(() => undefined);
    },
  };
}

/** Instances seen within the last hour, newest first; `alive` when seen within `aliveWithinMs` (default 10 s). */
export async function listInstances(pool: PgPool, aliveWithinMs = 10_000): Promise<InstanceReport[]> {
  const { rows } = await pool.query<{ instance_id: string; model_name: string; model_version: string; leader_of: string[]; started_at: Date; seen_at: Date; alive: boolean }>(
    `SELECT instance_id, model_name, model_version, leader_of, started_at, seen_at, seen_at > now() - make_interval(secs => $1::double precision / 1000) AS alive
     FROM model_instances WHERE seen_at > now() - interval '1 hour' ORDER BY seen_at DESC, instance_id`,
    [aliveWithinMs],
  );
  return rows.map((r) => ({ instanceId: r.instance_id, modelName: r.model_name, modelVersion: r.model_version, leaderOf: r.leader_of, startedAt: r.started_at.toISOString(), seenAt: r.seen_at.toISOString(), alive: r.alive }));
}

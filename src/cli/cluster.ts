/**
 * What `colloquy serve` adds when it is one of several instances: rate limits
 * in Redis, the model registry followed from the database, this instance's
 * presence row, and leader election for what must run once (the nightly
 * retrain, the Discord gateway). With neither COLLOQUY_DATABASE_URL nor
 * COLLOQUY_REDIS_URL set, everything runs here, in memory, as before.
 */
import { startLeaderElection, type LeaderElection } from '../cluster/leader.ts';
import { startPresence } from '../cluster/presence.ts';
import { closeRedis, openRedis } from '../cluster/redis.ts';
import { createRedisLiveBus } from '../cluster/redis-live-bus.ts';
import type { LiveBus } from '../engine/live-bus.ts';
import type { RateLimiterFactory } from '../limits/rate-limiter.ts';
import { redisRateLimiters } from '../limits/redis-rate-limiter.ts';
import { copyRegistryToDatabase } from '../registry/database/copy.ts';
import { createRegistryFollower, type RegistryFollower } from '../registry/database/follow.ts';
import { listDbVersions } from '../registry/database/registry-db.ts';
import type { ModelVersion } from '../registry/versions.ts';
import { openDatabase } from '../storage/postgres/open.ts';
import type { PgPool } from '../storage/postgres/pool.ts';
import type { RunningBot } from './bot.ts';
import type { CliContext } from './context.ts';

/** Something started that can be stopped. */
export interface Stoppable {
  stop(): unknown;
}

export interface ServeCluster {
  /** Rate limits shared in Redis, when COLLOQUY_REDIS_URL is set. */
  rateLimiters?: RateLimiterFactory;
  /** Live events between instances, when COLLOQUY_REDIS_URL is set (the engine publishes and watches through it). */
  bus?: LiveBus;
  /** Once the bot runs: follow the registry (promotions switch the model) and report this instance. */
  attach(bot: RunningBot): Promise<void>;
  /** Runs `start` in one instance at a time (elected) with a database, else right here. */
  asLeader(role: string, start: () => Stoppable | undefined): void;
  /** The versions of the database registry (the admin page lists these), when a database is configured. */
  listModels?: () => Promise<ModelVersion[]>;
  /** `/health` fields: this instance's name and the roles it leads. */
  health(): Record<string, unknown>;
  stop(): Promise<void>;
}

export interface OpenServeClusterOptions {
  /** This instance's models directory: with a database, the active version is copied here. */
  modelsDir: string;
  /** False when a fixed --model serves: the registry is then not followed. */
  followRegistry: boolean;
}

/**
 * Opens what the configuration asks for. Call before the bot starts: with a
 * database, the active model is in `modelsDir` when this resolves (an empty
 * database registry is first filled from `modelsDir`).
 */
export async function openServeCluster(ctx: CliContext, { modelsDir, followRegistry }: OpenServeClusterOptions): Promise<ServeCluster> {
  const { env, logger } = ctx;
  const stops: Array<() => unknown> = [];
  const elections: LeaderElection[] = [];
  const cluster: ServeCluster = {
    attach: async () => undefined,
    asLeader(role, start) {
      const running = start();
      if (running) stops.push(() => running.stop());
    },
    health: () => ({ instance: env.instanceId, leaderOf: elections.filter((e) => e.isLeader).map((e) => e.role) }),
    async stop() {
      for (const stop of stops.reverse()) await stop();
    },
  };

  if (env.redis) {
    const redis = await openRedis({ url: env.redis.url, logger, purpose: 'rate limits' });
    stops.push(() => closeRedis(redis));
    const bus = await createRedisLiveBus({ url: env.redis.url, prefix: env.redis.prefix, logger });
    stops.push(() => bus.close());
    cluster.bus = bus;
    cluster.rateLimiters = redisRateLimiters({ redis, prefix: env.redis.prefix, whenDown: env.redis.limitsWhenDown, logger });
  }
  if (!env.database) return cluster;

  const database = env.database;
  const pool: PgPool = await openDatabase(database, { logger, max: 3, applicationName: 'colloquy-cluster' });
  stops.push(() => pool.end());
  cluster.listModels = () => listDbVersions(pool);
  let follower: RegistryFollower | undefined;
  if (followRegistry) {
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM model_versions');
    if (rows[0]!.n === 0) {
      const copied = await copyRegistryToDatabase(pool, modelsDir);
      logger.info('the database model registry was empty: filled from this instance\'s models directory', { modelsDir, versions: copied.added, events: copied.events });
    }
    follower = createRegistryFollower({ pool, database, modelsDir, logger });
    await follower.sync();
    stops.push(() => follower!.stop());
  }
  cluster.attach = async (b) => {
    if (follower) {
      follower.onChange = () => b.reload();
      await b.reload(); // a promotion between the first sync and now
      await follower.start();
    }
    const presence = startPresence({ pool, instanceId: env.instanceId, served: () => b.served(), leaderOf: () => elections.filter((e) => e.isLeader).map((e) => e.role), logger });
    stops.push(() => presence.stop());
  };
  cluster.asLeader = (role, start) => {
    let running: Stoppable | undefined;
    const election = startLeaderElection({
      database,
      role,
      logger,
      onElected: () => void (running = start()),
      onDemoted: async () => {
        await running?.stop();
        running = undefined;
      },
    });
    elections.push(election);
    stops.push(() => election.stop());
  };
  return cluster;
}

import { BUILTIN_CHANNELS } from '../../../adapters/registry.ts';
import { DEFAULT_DATA_DIR } from '../../config.ts';
import { ColloquyError } from '../../errors.ts';
import { createAdminRouter } from '../../ops/admin-router.ts';
import { openLogForWriting } from './log-dir.ts';
import { loadOrCreateSharedSecret } from '../../storage/postgres/shared-secret.ts';
import type { PostgresStoreExtras } from '../../storage/postgres/postgres-store.ts';
import { num, parseFlags } from '../args.ts';
import type { CliContext } from '../context.ts';
import { generateFlags, GROUNDING_USAGE, groundingFlags } from './generate-flags.ts';
import { fixedModelOf, startBot, type RunningBot } from '../bot.ts';
import { openServeCluster } from '../cluster.ts';
import { configuredChannels, describeChannels, startChannels } from '../channels.ts';
import type { RunningChannel } from '../../channels/types.ts';
import { parseSchedule, startRetrainSchedule } from '../../learning/schedule.ts';
import { parseAge } from '../../privacy/age.ts';
import { watchPrivacyRequests } from '../../privacy/requests.ts';
import { startRetention } from '../../privacy/retention-schedule.ts';
import { createHealthCheck } from '../../ops/health.ts';
import { probeWritable } from '../../storage/probe-writable.ts';

export const SERVE_USAGE = `colloquy serve [--port N] [--host H] [--model DIR | --models-dir DIR] [--data-dir DIR] [decoding flags]
  serves the web chat widget, its API and a demo page (open the printed URL)
  --port N             default: $COLLOQUY_PORT or 3000
  --host H             default: $COLLOQUY_HOST or 127.0.0.1 (this machine only)
  --model DIR          a fixed model (default: $COLLOQUY_MODEL, else the registry's active one)
  --models-dir DIR     the model registry to serve from; promotions and rollbacks apply
                       without a restart (default: $COLLOQUY_MODELS_DIR or models/)
  --data-dir DIR       conversation log and token secret (default: conversations/)
  --schedule nightly[@HH:MM]  run colloquy retrain every night (default 03:00 local) in a
                       lower-priority process; a candidate that passes the gate goes live
  --retention AGE      delete conversations idle for longer than AGE (90d, 12h), at start and
                       every hour; \`colloquy delete-user\` and \`colloquy retention\` go through
                       the running server
${GROUNDING_USAGE}
  Environment: COLLOQUY_HOST, COLLOQUY_ACTIONS, COLLOQUY_ACTIONS_TOKEN, COLLOQUY_ADMIN_TOKEN (the review page at /admin, at least 16 characters),
    COLLOQUY_CONTACT_TEXT (how else to reach you, told when a person is asked for and none can take over)
  Several instances: COLLOQUY_DATABASE_URL (and COLLOQUY_DATABASE_SCHEMA) keeps conversations in PostgreSQL,
    shared by every instance, instead of --data-dir; COLLOQUY_REDIS_URL shares rate limits and live events
    (COLLOQUY_REDIS_PREFIX, COLLOQUY_LIMITS_WHEN_REDIS_DOWN=open|closed); README "Deploying several instances"
  Starts every channel whose configuration is present (one that fails is logged; the rest keep running):
${channelHelp()}`;

/** The flags `colloquy serve` accepts (its --help lists each). */
export const SERVE_FLAGS = { port: { type: 'string' }, host: { type: 'string' }, model: { type: 'string' }, 'models-dir': { type: 'string' }, backend: { type: 'string' }, 'data-dir': { type: 'string' }, schedule: { type: 'string' }, retention: { type: 'string' }, ...generateFlags, ...groundingFlags } as const;

/** Each non-terminal channel of the registry with the variables it reads. */
function channelHelp(): string {
  return BUILTIN_CHANNELS.filter((p) => !p.foreground)
    .map((p) => [`    ${p.name}`, ...p.variables.map((v) => `      ${v.name.padEnd(26)} ${v.description}`)].join('\n'))
    .join('\n');
}

/** `colloquy serve`: every configured channel (the web widget always; Slack, Discord… when their variables are set). Runs until SIGINT/SIGTERM. */
export async function serveCommand(argv: string[], ctx: CliContext): Promise<void> {
  const f = parseFlags(argv, SERVE_FLAGS);
  const schedule = typeof f.schedule === 'string' ? parseSchedule(f.schedule) : undefined;
  const retentionMs = typeof f.retention === 'string' ? parseAge(f.retention, '--retention') : undefined;
  const port = num(f, 'port');
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new ColloquyError('usage', `--port must be an integer from 0 to 65535, got ${port}`);
  const host = (f.host as string | undefined) ?? ctx.env.host;
  const dataDir = (f['data-dir'] as string | undefined) ?? DEFAULT_DATA_DIR;
  const modelsDir = (f['models-dir'] as string | undefined) ?? ctx.env.modelsDir;
  const specs = configuredChannels(BUILTIN_CHANNELS, ctx.env, { foreground: false }); // a half-configured channel stops us here
  const pinned = fixedModelOf(f, ctx) !== undefined;
  // with a database, the registry's active model is copied into modelsDir before the bot loads it
  const cluster = await openServeCluster(ctx, { modelsDir, followRegistry: !pinned });
  let bot: RunningBot;
  try {
    bot = await startBot(f, ctx, () => openLogForWriting(dataDir, 'serve', ctx), cluster.bus ? { bus: cluster.bus } : {});
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  const { engine, generator, store, close } = bot;
  const onStop: Array<() => unknown> = [];
  try {
    await cluster.attach(bot);
    // with a database, every instance signs with the same secrets, so a widget's token opens its conversation on any of them
    const shared = (store as Partial<PostgresStoreExtras>).pool;
    const sharedSecret = shared ? (name: string) => loadOrCreateSharedSecret(shared, name) : undefined;
    const { rateLimiters } = cluster;
    const { adminToken } = ctx.env;
    const mounts = adminToken === undefined ? undefined : { '/admin': createAdminRouter({ store, token: adminToken, modelsDir, ...(cluster.listModels ? { listModels: cluster.listModels } : {}), minConfidence: engine.options.confidenceThreshold, commands: engine.options.commands, logger: ctx.logger }) };
    // readiness at start: one probe reply with the decoding the server runs, and a write to the log
    const healthCheck = createHealthCheck({ engine, generator, logger: ctx.logger, probeStore: shared ? async () => void (await shared.query('select 1')) : () => probeWritable(dataDir) });
    onStop.push(() => healthCheck.close());
    const readiness = await healthCheck.report();
    if (!readiness.ok) ctx.logger.error('not ready: /health answers 503 until this is fixed', { model: readiness.model.problem, store: readiness.store.problem });
    // and which instance answers, the registry version it serves, the roles it leads
    const health = async () => {
      const report = await healthCheck.report();
      return { ...report, model: { ...report.model, name: bot.served().name }, ...cluster.health() };
    };
    const startContext = { engine, logger: ctx.logger, host, dataDir, health, ...(port !== undefined ? { port } : {}), ...(mounts ? { mounts } : {}), ...(rateLimiters ? { rateLimiters } : {}), ...(sharedSecret ? { sharedSecret } : {}) };
    const onRunning = (_name: string, running: RunningChannel) => {
      if (running.banner) ctx.print(running.banner);
    };
    // with a database, a channel that connects once per bot (Discord's gateway) runs in the elected instance only
    const elected = ctx.env.database ? specs.filter((s) => s.singleton) : [];
    const channels = startChannels(specs.filter((s) => !elected.includes(s)), startContext, onRunning);
    for (const spec of elected) {
      cluster.asLeader(`channel:${spec.name}`, () => {
        const running = startChannels([spec], startContext, onRunning);
        return { stop: () => running.stop() };
      });
    }
    const outcome = await channels.ready;
    if (!outcome.running.length && outcome.failed.length) throw outcome.failed[0].error;
    ctx.print(describeChannels(outcome));
    if (schedule && pinned) ctx.logger.warn('--schedule retrains into the registry, but this server runs a fixed model (--model / COLLOQUY_MODEL): promotions will not reach it');
    // with a database, one elected instance retrains; its promotion reaches every instance through the registry
    if (schedule) cluster.asLeader('retrain', () => startRetrainSchedule({ schedule, dataDir, modelsDir, logger: ctx.logger }));
    const retention = retentionMs === undefined ? undefined : startRetention({ store, maxAgeMs: retentionMs, logger: ctx.logger });
    // with a database there is no writer lock: the CLI deletes in the database directly
    const privacyRequests = shared ? undefined : await watchPrivacyRequests({ dataDir, store, logger: ctx.logger });
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    ctx.logger.info('stopping');
    await privacyRequests?.stop();
    await retention?.stop();
    await channels.stop();
  } finally {
    for (const stop of onStop.reverse()) await stop();
    await cluster.stop();
    await close();
  }
}

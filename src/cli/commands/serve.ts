import { createWebServer, loadOrCreateSecret } from '../../../adapters/web/index.ts';
import { DEFAULT_DATA_DIR } from '../../config.ts';
import { ColloquyError } from '../../errors.ts';
import { openLogForWriting } from './log-dir.ts';
import { num, parseFlags } from '../args.ts';
import type { CliContext } from '../context.ts';
import { generateFlags, GROUNDING_USAGE, groundingFlags } from './generate-flags.ts';
import { startBot } from '../bot.ts';
import { channelsFromEnv, describeChannels, startChannels } from '../channels.ts';
import { parseSchedule, startRetrainSchedule } from '../../learning/schedule.ts';

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
${GROUNDING_USAGE}
  Environment: COLLOQUY_SECRET, COLLOQUY_ALLOWED_ORIGINS, COLLOQUY_FRAME_ANCESTORS, COLLOQUY_ACTIONS, COLLOQUY_ACTIONS_TOKEN
  Also starts each chat channel whose credentials are set (one that fails is logged; the rest keep running):
    Slack     SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (events over HTTP on SLACK_PORT, default 3001)
              or SLACK_APP_TOKEN (Socket Mode); SLACK_AGENTS_CHANNEL: channel id for hand-offs
    Discord   DISCORD_TOKEN; DISCORD_AGENTS_CHANNEL: channel id for hand-offs`;

/** `colloquy serve`: the web channel, and Slack and Discord when configured. Runs until SIGINT/SIGTERM. */
export async function serveCommand(argv: string[], ctx: CliContext): Promise<void> {
  const f = parseFlags(argv, { port: { type: 'string' }, host: { type: 'string' }, model: { type: 'string' }, 'models-dir': { type: 'string' }, backend: { type: 'string' }, 'data-dir': { type: 'string' }, schedule: { type: 'string' }, ...generateFlags, ...groundingFlags });
  const schedule = typeof f.schedule === 'string' ? parseSchedule(f.schedule) : undefined;
  const port = num(f, 'port') ?? ctx.env.web.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ColloquyError('usage', `--port must be an integer from 0 to 65535, got ${port}`);
  const host = (f.host as string | undefined) ?? ctx.env.web.host;
  const dataDir = (f['data-dir'] as string | undefined) ?? DEFAULT_DATA_DIR;
  const { engine, store, close } = await startBot(f, ctx, () => openLogForWriting(dataDir, 'serve', ctx));
  try {
    const secret = ctx.env.web.secret ?? (await loadOrCreateSecret(dataDir));
    if (secret.length < 32) throw new ColloquyError('usage', 'COLLOQUY_SECRET must be at least 32 characters', 'Leave it unset to have one generated in the data directory.');
    const web = createWebServer({ engine, store, secret, allowedOrigins: ctx.env.web.allowedOrigins, frameAncestors: ctx.env.web.frameAncestors, logger: ctx.logger, adminToken: ctx.env.web.adminToken, modelsDir: (f['models-dir'] as string | undefined) ?? ctx.env.modelsDir });
    const server = await web.listen(port, host).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') throw new ColloquyError('port_in_use', `Port ${port} is already in use`, 'Pick another with --port N or COLLOQUY_PORT.');
      throw err;
    });
    ctx.print(`Colloquy web chat: ${server.url}/  (Ctrl-C stops)`);
    const channels = startChannels(channelsFromEnv(ctx.env, { logger: ctx.logger, host }), engine, ctx.logger);
    void channels.ready.then((outcome) => ctx.print(describeChannels(outcome)));
    const modelsDir = (f['models-dir'] as string | undefined) ?? ctx.env.modelsDir;
    if (schedule && (f.model !== undefined || ctx.env.modelPinned)) ctx.logger.warn('--schedule retrains into the registry, but this server runs a fixed model (--model / COLLOQUY_MODEL): promotions will not reach it');
    const retrainer = schedule ? startRetrainSchedule({ schedule, dataDir, modelsDir, logger: ctx.logger }) : undefined;
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    ctx.logger.info('stopping');
    await retrainer?.stop();
    await channels.stop();
    await server.close();
  } finally {
    await close();
  }
}

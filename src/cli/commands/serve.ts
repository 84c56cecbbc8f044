import { createWebServer, loadOrCreateSecret } from '../../../adapters/web/index.ts';
import { DEFAULT_DATA_DIR } from '../../config.ts';
import { ColloquyError } from '../../errors.ts';
import { createLowdbStore } from '../../storage/lowdb-store.ts';
import { num, parseFlags } from '../args.ts';
import type { CliContext } from '../context.ts';
import { generateFlags } from './generate-flags.ts';
import { startBot } from '../bot.ts';

export const SERVE_USAGE = `colloquy serve [--port N] [--host H] [--model DIR] [--data-dir DIR] [decoding flags]
  serves the web chat widget, its API and a demo page (open the printed URL)
  --port N             default: $COLLOQUY_PORT or 3000
  --host H             default: $COLLOQUY_HOST or 127.0.0.1 (this machine only)
  --model DIR          default: $COLLOQUY_MODEL or the bundled models/default
  --data-dir DIR       conversation log and token secret (default: conversations/)
  Environment: COLLOQUY_SECRET, COLLOQUY_ALLOWED_ORIGINS, COLLOQUY_FRAME_ANCESTORS`;

/** `colloquy serve`: the web channel. Runs until SIGINT/SIGTERM. */
export async function serveCommand(argv: string[], ctx: CliContext): Promise<void> {
  const f = parseFlags(argv, { port: { type: 'string' }, host: { type: 'string' }, model: { type: 'string' }, backend: { type: 'string' }, 'data-dir': { type: 'string' }, ...generateFlags });
  const port = num(f, 'port') ?? ctx.env.web.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ColloquyError('usage', `--port must be an integer from 0 to 65535, got ${port}`);
  const host = (f.host as string | undefined) ?? ctx.env.web.host;
  const dataDir = (f['data-dir'] as string | undefined) ?? DEFAULT_DATA_DIR;
  const { engine, store, close } = await startBot(f, ctx, () => createLowdbStore({ dir: dataDir, logger: ctx.logger }));
  try {
    const secret = ctx.env.web.secret ?? (await loadOrCreateSecret(dataDir));
    if (secret.length < 32) throw new ColloquyError('usage', 'COLLOQUY_SECRET must be at least 32 characters', 'Leave it unset to have one generated in the data directory.');
    const web = createWebServer({ engine, store, secret, allowedOrigins: ctx.env.web.allowedOrigins, frameAncestors: ctx.env.web.frameAncestors, logger: ctx.logger });
    const server = await web.listen(port, host).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') throw new ColloquyError('port_in_use', `Port ${port} is already in use`, 'Pick another with --port N or COLLOQUY_PORT.');
      throw err;
    });
    ctx.print(`Colloquy web chat: ${server.url}/  (Ctrl-C stops)`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    ctx.logger.info('stopping');
    await server.close();
  } finally {
    await close();
  }
}

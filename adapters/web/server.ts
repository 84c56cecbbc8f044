import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import { ColloquyError, isColloquyError, silentLogger, type Engine, type HealthReport, type Logger, type RateLimiterFactory } from '../../src/index.ts';
import { conversationAuth, type Authed } from './conversation-auth.ts';
import { sendHistory } from './history.ts';
import { createWebLimiters, DEFAULT_WEB_LIMITS, tooMany, type WebLimits } from './limits.ts';
import { corsAllowlist, securityHeaders } from './security.ts';
import { streamEvents, streamReply } from './sse.ts';
import { errorHandler, staticFiles } from './static-and-errors.ts';
import { MIN_SECRET_LENGTH, signToken } from './tokens.ts';

/** What the widget may send as its message id (it sends a UUID). */
const CLIENT_MESSAGE_ID = /^[A-Za-z0-9_-]{1,100}$/;

export interface CreateWebServerOptions {
  engine: Engine;
  /** Signs conversation tokens; at least 32 characters. */
  secret: string;
  /** Origins of sites embedding the widget (CORS). The server's own origin is always allowed. */
  allowedOrigins?: string[];
  /** Origins allowed to frame the server's pages (CSP frame-ancestors); none by default. */
  frameAncestors?: string[];
  limits?: Partial<WebLimits>;
  logger?: Logger;
  /** Express's `trust proxy` setting, for rate limits behind a reverse proxy. Off by default. */
  trustProxy?: boolean | number | string;
  /** Routers other modules serve on this server, by path (the operations module at `/admin`); the per-IP limit applies to them too. */
  mounts?: Readonly<Record<string, RequestHandler>>;
  /** Where rate-limit buckets live: in this process (default) or shared by instances (`redisRateLimiters`). */
  rateLimiters?: RateLimiterFactory;
  /** What `GET /health` reports (`createHealthCheck`): 200 when ready, 503 with what is not. Without it, `{ ok: true }` while the process runs. */
  health?: () => Promise<HealthReport>;
}

export interface WebServer {
  app: express.Express;
  /** Starts listening; port 0 picks a free port. A port in use is a ColloquyError (`port_in_use`). */
  listen(port: number, host?: string): Promise<{ url: string; close(): Promise<void> }>;
}

/**
 * The web channel: the widget's API (conversations, streamed replies over
 * Server-Sent Events, history, live events, feedback), the widget files and a
 * demo page, and whatever `mounts` adds. It talks to the engine only.
 *
 * @example
 * const web = createWebServer({ engine, secret, mounts: { '/admin': createAdminRouter({ store, token }) } });
 * const { url, close } = await web.listen(3000);
 */
export function createWebServer({ engine, secret, allowedOrigins = [], frameAncestors = [], limits, logger = silentLogger, trustProxy = false, mounts = {}, rateLimiters, health }: CreateWebServerOptions): WebServer {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) throw new ColloquyError('config_invalid', `The web secret must be at least ${MIN_SECRET_LENGTH} characters`, 'Set COLLOQUY_SECRET to a longer random string, or leave it unset to have one generated.');
  const l: WebLimits = { ...DEFAULT_WEB_LIMITS, ...limits };
  const limiters = createWebLimiters(l, rateLimiters);
  const auth = conversationAuth(secret, l.tokenMaxAgeMs);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy);
  app.use(securityHeaders(frameAncestors));
  app.get('/health', async (_req, res) => {
    const report = health ? await health().catch((err) => ({ ok: false, problem: `the health check failed: ${(err as Error)?.message ?? String(err)}` })) : { ok: true };
    res.setHeader('Cache-Control', 'no-store');
    res.status(report.ok ? 200 : 503).json(report);
  });
  app.get('/favicon.ico', (_req, res) => void res.status(204).end()); // no icon, and no 404 in the browser console

  const api = express.Router();
  api.use(corsAllowlist(allowedOrigins), limiters.ip, express.json({ limit: l.bodyBytes }));

  api.post('/conversations', (_req, res) => {
    const conversationId = `web-${randomUUID()}`;
    const token = signToken(secret, { c: conversationId, u: `web-user-${randomUUID()}`, iat: Date.now() });
    res.status(201).json({ conversationId, token });
  });

  api.post('/conversations/:id/messages', auth, async (req: Authed, res) => {
    const wait = await limiters.conversation.take(req.conversation!.id);
    if (wait) return tooMany(res, wait);
    const text: unknown = req.body?.text;
    if (typeof text !== 'string') return void res.status(400).json({ error: 'bad_request', message: 'Send JSON {"text": "..."}.' });
    // the widget's id for this message: a resend after a dropped connection (perhaps to another instance) is not answered twice
    const clientMessageId: unknown = req.body?.clientMessageId;
    if (clientMessageId !== undefined && (typeof clientMessageId !== 'string' || !CLIENT_MESSAGE_ID.test(clientMessageId))) {
      return void res.status(400).json({ error: 'bad_request', message: 'clientMessageId must be 1 to 100 letters, digits, "-" or "_".' });
    }
    await streamReply(engine, logger, req, res, text, clientMessageId);
  });

  api.get('/conversations/:id/messages', auth, (req: Authed, res) => sendHistory(engine, req, res));
  api.get('/conversations/:id/events', conversationAuth(secret, l.tokenMaxAgeMs, { allowQuery: true }), (req: Authed, res) => streamEvents(engine, req, res));

  api.post('/conversations/:id/feedback', auth, async (req: Authed, res) => {
    const { turnId, value } = (req.body ?? {}) as { turnId?: unknown; value?: unknown };
    if (typeof turnId !== 'string' || (value !== 'up' && value !== 'down')) {
      return void res.status(400).json({ error: 'bad_request', message: 'Send JSON {"turnId": "...", "value": "up" | "down"}.' });
    }
    try {
      await engine.feedback({ conversationId: req.conversation!.id, turnId, value, userId: req.conversation!.userId });
    } catch (err) {
      // feedback before any message: there is no conversation yet, so no such message either
      if (isColloquyError(err, 'feedback_turn_unknown') || isColloquyError(err, 'conversation_not_found')) return void res.status(404).json({ error: 'not_found', message: 'No such message.' });
      if (isColloquyError(err, 'feedback_turn_invalid')) return void res.status(400).json({ error: 'bad_request', message: 'Feedback goes on bot replies.' });
      throw err;
    }
    res.json({ ok: true });
  });

  api.use((_req, res) => void res.status(404).json({ error: 'not_found', message: 'No such API endpoint.' }));
  app.use('/api', api);
  for (const [at, router] of Object.entries(mounts)) app.use(at, limiters.ip, router);
  app.use(staticFiles());
  app.use(errorHandler(logger, l.bodyBytes));

  return {
    app,
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        const server: Server = app.listen(port, host);
        server.once('error', (err: NodeJS.ErrnoException) => {
          limiters.close();
          if (err.code === 'EADDRINUSE') reject(new ColloquyError('port_in_use', `Port ${port} is already in use`, 'Pick another with --port N or COLLOQUY_PORT.'));
          else reject(err);
        });
        server.once('listening', () => {
          const { port: actual } = server.address() as AddressInfo;
          const url = `http://${host.includes(':') ? `[${host}]` : host}:${actual}`;
          logger.info(`web channel listening on ${url}`);
          resolve({
            url,
            close: () =>
              new Promise<void>((done) => {
                limiters.close();
                server.close(() => done());
                server.closeAllConnections();
              }),
          });
        });
      });
    },
  };
}

import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import { isColloquyError, silentLogger, type ConversationStore, type Engine, type Logger } from '../../src/index.ts';
import { ADMIN_ASSETS, createAdminRouter } from './admin.ts';
import { createRateLimiter, type RateLimit } from './rate-limit.ts';
import { corsAllowlist, securityHeaders } from './security.ts';
import { MIN_SECRET_LENGTH, signToken, verifyToken } from './tokens.ts';

/** The channel name web conversations are logged under. */
export const WEB_CHANNEL = 'web';

/** Where the widget, its stylesheet and the demo page live. */
export const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');

export interface WebLimits {
  /** Largest JSON body accepted (bytes); larger → 413. */
  bodyBytes: number;
  /** Requests per client IP, across the whole API. */
  perIp: RateLimit;
  /** Messages per conversation. */
  perConversation: RateLimit;
  /** How long a conversation token stays valid (ms). */
  tokenMaxAgeMs: number;
}

export const DEFAULT_WEB_LIMITS: WebLimits = {
  bodyBytes: 16 * 1024,
  perIp: { burst: 60, perMinute: 60 },
  perConversation: { burst: 10, perMinute: 20 },
  tokenMaxAgeMs: 30 * 24 * 3600_000,
};

export interface CreateWebServerOptions {
  engine: Engine;
  /** The conversation log the engine writes to (history is read from it). */
  store: ConversationStore;
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
  /** Opens the review page and admin API at `/admin` (Bearer token, at least 16 characters). Without it there are no admin routes. */
  adminToken?: string;
  /** The model registry the admin page lists (`models/`). */
  modelsDir?: string;
}

export interface WebServer {
  app: express.Express;
  /** Starts listening; port 0 picks a free port. */
  listen(port: number, host?: string): Promise<{ url: string; close(): Promise<void> }>;
}

/** How often the events stream sends a keep-alive comment. */
export const EVENTS_HEARTBEAT_MS = 20_000;

type Authed = Request & { conversation?: { id: string; userId: string } };

/**
 * The web channel: the widget's API (conversations, streamed replies over
 * Server-Sent Events, history, feedback), the widget files and a demo page.
 *
 * @example
 * const web = createWebServer({ engine, store, secret });
 * const { url, close } = await web.listen(3000);
 */
export function createWebServer({ engine, store, secret, allowedOrigins = [], frameAncestors = [], limits, logger = silentLogger, trustProxy = false, adminToken, modelsDir }: CreateWebServerOptions): WebServer {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) throw new Error(`The web secret must be at least ${MIN_SECRET_LENGTH} characters`);
  const l: WebLimits = { ...DEFAULT_WEB_LIMITS, ...limits };
  const perIp = createRateLimiter(l.perIp);
  const perConversation = createRateLimiter(l.perConversation);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy);
  app.use(securityHeaders(frameAncestors));

  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end(); // no icon, and no 404 in the browser console
  });

  const api = express.Router();
  api.use(corsAllowlist(allowedOrigins));
  api.use((req, res, next) => {
    const wait = perIp.take(req.ip ?? 'unknown');
    if (wait) return tooMany(res, wait);
    next();
  });
  api.use(express.json({ limit: l.bodyBytes }));

  api.post('/conversations', (_req, res) => {
    const conversationId = `web-${randomUUID()}`;
    const token = signToken(secret, { c: conversationId, u: `web-user-${randomUUID()}`, iat: Date.now() });
    res.status(201).json({ conversationId, token });
  });

  /**
   * Only the conversation's own token opens it: `Authorization: Bearer <token>`,
   * or (with `allowQuery`, for EventSource, which cannot set headers) `?token=`.
   */
  const authWith = (allowQuery: boolean) => (req: Authed, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    let token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token && allowQuery && typeof req.query.token === 'string') token = req.query.token.trim();
    const payload = token ? verifyToken(secret, token, l.tokenMaxAgeMs) : undefined;
    if (!payload || payload.c !== req.params.id) {
      res.status(401).json({ error: 'unauthorized', message: 'Missing or invalid conversation token.' });
      return;
    }
    req.conversation = { id: payload.c, userId: payload.u };
    next();
  };
  const auth = authWith(false);

  api.post('/conversations/:id/messages', auth, async (req: Authed, res) => {
    const { id, userId } = req.conversation!;
    const wait = perConversation.take(id);
    if (wait) return tooMany(res, wait);
    const text: unknown = req.body?.text;
    if (typeof text !== 'string') return void res.status(400).json({ error: 'bad_request', message: 'Send JSON {"text": "..."}.' });
    const reply = await engine.handle({ channel: WEB_CHANNEL, conversationId: id, userId, text, receivedAt: new Date() });
    reply.result.catch(() => undefined); // awaited below; never unhandled
    res.status(200);
    res.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    const send = (event: string, data: unknown) => {
      if (!res.writableEnded && !res.destroyed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    try {
      // the client may leave mid-reply: the engine still finishes and logs it
      for await (const piece of reply.stream) send('token', piece);
      const r = await reply.result;
      send('done', { kind: r.kind, text: r.text, turnId: r.turnId ?? null, userTurnId: r.userTurnId ?? null });
    } catch (err) {
      logger.error('web reply failed', { conversationId: id, error: (err as Error)?.message ?? String(err) });
      send('error', { message: 'Sorry, something went wrong. Please try again.' });
    } finally {
      res.end();
    }
  });

  api.get('/conversations/:id/messages', auth, async (req: Authed, res) => {
    const limit = clampInt(req.query.limit, 50, 1, 100);
    const before = typeof req.query.before === 'string' ? req.query.before : undefined;
    const after = typeof req.query.after === 'string' ? req.query.after : undefined;
    if (before && after) return void res.status(400).json({ error: 'bad_request', message: 'Use "before" or "after", not both.' });
    const record = await store.get(req.conversation!.id);
    // action turns are the backend's data for the model, not messages for the user
    const turns = (record?.turns ?? []).filter((t) => t.speaker !== 'action');
    const find = (id: string) => turns.findIndex((t) => t.id === id);
    let start: number;
    let end: number;
    let hasMore: boolean;
    if (after) {
      // the turns logged since `after`, oldest first (a reconnecting widget catches up)
      const at = find(after);
      if (at < 0) return void res.status(400).json({ error: 'bad_request', message: `No message "${after}" in this conversation.` });
      start = at + 1;
      end = Math.min(turns.length, start + limit);
      hasMore = end < turns.length;
    } else {
      end = turns.length;
      if (before) {
        end = find(before);
        if (end < 0) return void res.status(400).json({ error: 'bad_request', message: `No message "${before}" in this conversation.` });
      }
      start = Math.max(0, end - limit);
      hasMore = start > 0;
    }
    const messages = turns.slice(start, end).map((t) => ({ id: t.id, speaker: t.speaker, text: t.text, at: t.at, feedback: t.feedback?.value ?? null }));
    res.json({ messages, hasMore });
  });

  /**
   * Live events for one conversation (Server-Sent Events): `agent-message`
   * `{turnId, agentId, text}`, `notice` `{turnId, text, reason}` and `handoff`
   * `{state, by, agentId}`, plus a comment every 20 s so proxies keep it open.
   */
  api.get('/conversations/:id/events', authWith(true), (req: Authed, res) => {
    const { id } = req.conversation!;
    res.status(200);
    res.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    const write = (chunk: string) => {
      if (!res.writableEnded && !res.destroyed) res.write(chunk);
    };
    const send = (event: string, data: unknown, eventId?: string) => write(`${eventId ? `id: ${eventId}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    write('retry: 3000\n: connected\n\n');
    const offs = [
      engine.on('agent-message', (e) => {
        if (e.conversationId === id) send('agent-message', { turnId: e.turnId, agentId: e.agentId, text: e.text }, e.turnId);
      }),
      engine.on('notice', (e) => {
        if (e.conversationId === id) send('notice', { turnId: e.turnId, text: e.text, reason: e.reason }, e.turnId);
      }),
      engine.on('handoff', (e) => {
        if (e.conversationId === id) send('handoff', { state: e.state, by: e.by ?? null, agentId: e.handoff.agentId ?? null });
      }),
    ];
    const heartbeat = setInterval(() => write(': heartbeat\n\n'), EVENTS_HEARTBEAT_MS);
    heartbeat.unref();
    let closed = false;
    const cleanup = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      for (const off of offs) off();
    };
    req.on('close', cleanup);
    res.on('close', cleanup);
  });

  api.post('/conversations/:id/feedback', auth, async (req: Authed, res) => {
    const { turnId, value } = (req.body ?? {}) as { turnId?: unknown; value?: unknown };
    if (typeof turnId !== 'string' || (value !== 'up' && value !== 'down')) {
      return void res.status(400).json({ error: 'bad_request', message: 'Send JSON {"turnId": "...", "value": "up" | "down"}.' });
    }
    try {
      await engine.feedback({ conversationId: req.conversation!.id, turnId, value, userId: req.conversation!.userId });
    } catch (err) {
      if (isColloquyError(err, 'feedback_turn_unknown')) return void res.status(404).json({ error: 'not_found', message: 'No such message.' });
      if (isColloquyError(err, 'feedback_turn_invalid')) return void res.status(400).json({ error: 'bad_request', message: 'Feedback goes on bot replies.' });
      throw err;
    }
    res.json({ ok: true });
  });

  api.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'No such API endpoint.' });
  });
  app.use('/api', api);
  if (adminToken !== undefined) {
    const { confidenceThreshold: minConfidence, commands } = engine.options;
    app.use('/admin', createAdminRouter({ store, token: adminToken, modelsDir, perIp, publicDir: PUBLIC_DIR, minConfidence, commands, logger }));
  }
  app.use((req, res, next) => (ADMIN_ASSETS.includes(req.path) ? void res.status(404).end() : next())); // the review page lives under /admin/ only
  app.use(express.static(PUBLIC_DIR, { index: 'index.html', maxAge: '5m' }));

  // anything thrown above ends here: a JSON error, and the process stays up
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { status?: number; statusCode?: number; type?: string; message?: string };
    const status = e?.status ?? e?.statusCode ?? 500;
    if (res.headersSent) return void res.end();
    if (e?.type === 'entity.too.large') return void res.status(413).json({ error: 'too_large', message: `The request body is over ${l.bodyBytes} bytes.` });
    if (e?.type === 'entity.parse.failed') return void res.status(400).json({ error: 'bad_json', message: 'The body is not valid JSON.' });
    if (status >= 400 && status < 500) return void res.status(status).json({ error: 'bad_request', message: 'Bad request.' });
    logger.error('web request failed', { error: e?.message ?? String(err) });
    res.status(500).json({ error: 'internal', message: 'Something went wrong on our side.' });
  });

  return {
    app,
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        const server: Server = app.listen(port, host);
        server.once('error', reject);
        server.once('listening', () => {
          const { port: actual } = server.address() as AddressInfo;
          const url = `http://${host.includes(':') ? `[${host}]` : host}:${actual}`;
          logger.info(`web channel listening on ${url}`);
          resolve({
            url,
            close: () =>
              new Promise<void>((done) => {
                perIp.close();
                perConversation.close();
                server.close(() => done());
                server.closeAllConnections();
              }),
          });
        });
      });
    },
  };
}

function tooMany(res: Response, seconds: number): void {
  res.setHeader('Retry-After', String(seconds));
  res.status(429).json({ error: 'rate_limited', message: `Too many requests. Try again in ${seconds} s.`, retryAfter: seconds });
}

function clampInt(v: unknown, fallback: number, min: number, max: number): number {
  const n = typeof v === 'string' && v.trim() ? Number(v) : NaN;
  return Number.isInteger(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

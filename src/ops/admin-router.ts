/**
 * The operations module: an express router the web server mounts at `/admin`
 * (only when an admin token is configured): the review page, its API (the review queue, decisions,
 * model versions) and the training reports. The API wants
 * `Authorization: Bearer <admin token>`; report links carry a short-lived
 * signature instead, since a browser opening a link cannot send the header.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { CommandNames } from '../engine/options.ts';
import { ColloquyError, isColloquyError } from '../errors.ts';
import { listReviewItems, reviewConversation } from '../learning/review.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { isVersionName } from '../registry/registry-file.ts';
import { listVersions, type ModelVersion } from '../registry/versions.ts';
import type { ConversationStore } from '../storage/types.ts';
import { createPrivacyRouter } from './privacy-router.ts';

/** Shortest admin token accepted: it guards every logged conversation. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

/** Where the review page's files (admin.html, admin.js, admin.css) are. */
const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');

/** How long a signed report link stays valid. */
export const REPORT_LINK_MS = 10 * 60_000;

/** Training reports are our own static HTML: inline styles and SVG, never scripts. */
const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Options of `createAdminRouter`.
 *
 * @example
 * app.use('/admin', createAdminRouter({ store, token, modelsDir: 'models' }));
 */
export interface AdminRouterOptions {
  store: ConversationStore;
  /** The admin token (at least 16 characters). */
  token: string;
  /** Where the model versions live (`models/`); without it the models list is empty. */
  modelsDir?: string;
  /** Lists the versions instead of reading `modelsDir` (the database registry, shared by instances). */
  listModels?: () => Promise<ModelVersion[]>;
  /** The engine's confidence threshold and command words, so the queue flags what the engine would. */
  minConfidence?: number;
  commands?: CommandNames;
  /** Largest JSON body (default 64 kB: a few corrections of up to 4,000 characters). */
  bodyBytes?: number;
  logger?: Logger;
  now?: () => number;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time comparison of a presented token with the configured one. */
function tokenMatches(presented: string, token: string): boolean {
  return timingSafeEqual(digest(presented), digest(token));
}

function reportSignature(token: string, name: string, expires: number): string {
  return createHmac('sha256', token).update(`report:${name}:${expires}`).digest('base64url');
}

/**
 * The admin router: `GET /` (the review page), `GET /api/review`,
 * `POST /api/review/:conversationId`, `GET /api/models`, `GET /reports/:version`,
 * `POST /api/privacy/delete-user`, `POST /api/privacy/retention` (see privacy-router.ts).
 *
 * @example
 * const router = createAdminRouter({ store, token: env.adminToken, modelsDir: env.modelsDir });
 * createWebServer({ engine, secret, mounts: { '/admin': router } }); // the web server applies its per-IP limit first
 */
export function createAdminRouter(opts: AdminRouterOptions): express.Router {
  const { store, token, modelsDir, listModels, minConfidence, commands, bodyBytes = 64 * 1024, logger = silentLogger, now = Date.now } = opts;
  if (typeof token !== 'string' || token.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new ColloquyError('config_invalid', `The admin token (COLLOQUY_ADMIN_TOKEN) must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`, 'Generate one: openssl rand -base64 24');
  }
  const router = express.Router();

  const page = (file: string) => (_req: Request, res: Response) => res.sendFile(path.join(PUBLIC_DIR, file), { headers: { 'Cache-Control': 'no-cache' } });
  router.get('/', page('admin.html'));
  router.get('/admin.js', page('admin.js'));
  router.get('/admin.css', page('admin.css'));

  const unauthorized = (res: Response) => {
    res.setHeader('WWW-Authenticate', 'Bearer realm="colloquy-admin"');
    res.status(401).json({ error: 'unauthorized', message: 'Missing or wrong admin token.' });
  };
  const auth = (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!presented || !tokenMatches(presented, token)) return unauthorized(res);
    next();
  };

  const api = express.Router();
  api.use(sameOriginOnly, auth, express.json({ limit: bodyBytes }), (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store'); // logged conversations: never kept by a browser or proxy
    next();
  });

  api.get('/review', async (req, res) => {
    const limit = intParam(req.query.limit, 50, 1, 200);
    const includeReviewed = req.query.includeReviewed === '1' || req.query.includeReviewed === 'true';
    const bar = typeof req.query.minConfidence === 'string' && req.query.minConfidence.trim() !== '' ? Number(req.query.minConfidence) : minConfidence;
    if (bar !== undefined && !Number.isFinite(bar)) return void res.status(400).json({ error: 'bad_request', message: 'minConfidence must be a number.' });
    const items = await listReviewItems(store, { limit, includeReviewed, ...(bar !== undefined ? { minConfidence: bar } : {}), ...(commands ? { commands } : {}) });
    res.json({ items });
  });

  api.post('/review/:conversationId', async (req, res) => {
    const body = (req.body ?? {}) as { status?: unknown; correct?: unknown; reviewer?: unknown };
    const decision = 'correct' in body ? { correct: body.correct } : { status: body.status };
    const reviewer = typeof body.reviewer === 'string' ? body.reviewer : 'admin';
    try {
      const review = await reviewConversation(store, req.params.conversationId, decision as never, reviewer);
      logger.info('conversation reviewed', { conversationId: req.params.conversationId, status: review.status });
      res.json({ review });
    } catch (err) {
      if (!isColloquyError(err) || !err.code.startsWith('colloquy_review_')) throw err;
      const status = err.code === 'colloquy_review_conversation_unknown' ? 404 : 400;
      res.status(status).json({ error: err.code.replace(/^colloquy_/, ''), message: err.message, hint: err.hint ?? null });
    }
  });

  api.get('/models', async (_req, res) => {
    if (!modelsDir && !listModels) return void res.json({ versions: [] });
    const expires = now() + REPORT_LINK_MS;
    const versions = (await (listModels ? listModels() : listVersions(modelsDir!, logger))).map((v) => ({
      name: v.name,
      version: v.version,
      status: v.status,
      createdAt: v.createdAt,
      parent: v.parent ?? null,
      metrics: v.metrics,
      gate: v.gate ?? null,
      reportUrl: v.report && isVersionName(v.name)
        ? `/admin/reports/${encodeURIComponent(v.name)}?expires=${expires}&sig=${reportSignature(token, v.name, expires)}`
        : null,
    }));
    res.json({ versions });
  });

  api.use('/privacy', createPrivacyRouter({ store, logger, now }));

  api.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'No such admin endpoint.' });
  });
  router.use('/api', api);

  // a signed link from /api/models (valid 10 minutes), or the Bearer header
  router.get('/reports/:version', async (req, res) => {
    const name = req.params.version;
    const expires = Number(req.query.expires);
    const sig = typeof req.query.sig === 'string' ? req.query.sig : '';
    const header = req.get('authorization') ?? '';
    const signed = isVersionName(name) && Number.isFinite(expires) && expires >= now() && sig !== '' &&
      tokenMatches(sig, reportSignature(token, name, expires));
    const bearer = header.startsWith('Bearer ') && tokenMatches(header.slice(7).trim(), token);
    if (!signed && !bearer) return unauthorized(res);
    if (!modelsDir || !isVersionName(name)) return void res.status(404).json({ error: 'not_found', message: 'No such report.' });
    const root = path.resolve(modelsDir);
    const file = path.resolve(root, name, 'report.html');
    if (!file.startsWith(root + path.sep)) return void res.status(404).json({ error: 'not_found', message: 'No such report.' });
    const html = await readFile(file, 'utf8').catch(() => undefined);
    if (html === undefined) return void res.status(404).json({ error: 'not_found', message: `Version ${name} has no training report.` });
    res.setHeader('Content-Security-Policy', REPORT_CSP);
    res.type('html').send(html);
  });

  return router;
}

/** The admin API is for the server's own page: a request from another origin gets 403. Requests without an Origin (curl) pass. */
function sameOriginOnly(req: Request, res: Response, next: NextFunction): void {
  const origin = req.get('origin');
  if (!origin || origin === `${req.protocol}://${req.get('host')}`) return next();
  res.status(403).json({ error: 'origin_not_allowed', message: 'This site may not use the admin API.' });
}

function intParam(v: unknown, fallback: number, min: number, max: number): number {
  const n = typeof v === 'string' && v.trim() ? Number(v) : NaN;
  return Number.isInteger(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

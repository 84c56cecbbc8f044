/**
 * Privacy operations on the admin API (mounted by the admin router under
 * `/admin/api/privacy`, behind its token): delete one user, apply retention.
 * They run on the server's own store, like `colloquy delete-user` and
 * `colloquy retention` do through a running server.
 *
 *   POST /delete-user  {"userId": "slack:U123"}  → {"removed": {conversations, turns, ...}, "summary": "removed …"}
 *   POST /retention    {"olderThan": "90d"}      → the same
 */
import express, { type Response } from 'express';
import { isColloquyError } from '../errors.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { parseAge } from '../privacy/age.ts';
import { describeDeletion, runPrivacyRequest, type PrivacyRequest } from '../privacy/operations.ts';
import type { ConversationStore } from '../storage/types.ts';

/**
 * Options of `createPrivacyRouter`.
 *
 * @example
 * api.use('/privacy', createPrivacyRouter({ store, logger }));
 */
export interface PrivacyRouterOptions {
  store: ConversationStore;
  logger?: Logger;
  now?: () => number;
}

/** The privacy routes; expects JSON bodies parsed and the caller authenticated. */
export function createPrivacyRouter({ store, logger = silentLogger, now = Date.now }: PrivacyRouterOptions): express.Router {
  const router = express.Router();
  const run = async (res: Response, request: PrivacyRequest) => {
    try {
      const removed = await runPrivacyRequest(store, request);
      logger.info('privacy request done', { op: request.op, via: 'admin API', ...removed });
      res.json({ removed, summary: describeDeletion(removed) });
    } catch (err) {
      if (!isColloquyError(err)) throw err;
      const status = err.code === 'colloquy_storage_bad_argument' ? 400 : 503;
      logger.error('privacy request failed', { op: request.op, code: err.code, error: err.message });
      res.status(status).json({ error: err.code.replace(/^colloquy_/, ''), message: err.message, hint: err.hint ?? null });
    }
  };

  router.post('/delete-user', async (req, res) => {
    const userId: unknown = req.body?.userId;
    if (typeof userId !== 'string' || userId.trim() === '') return void res.status(400).json({ error: 'bad_request', message: 'Send JSON {"userId": "..."}: the user id as logged.' });
    await run(res, { op: 'delete-user', userId });
  });

  router.post('/retention', async (req, res) => {
    let maxAgeMs: number;
    try {
      maxAgeMs = parseAge(req.body?.olderThan, 'olderThan');
    } catch (err) {
      return void res.status(400).json({ error: 'bad_request', message: (err as Error).message });
    }
    await run(res, { op: 'retention', cutoff: new Date(now() - maxAgeMs).toISOString() });
  });

  return router;
}

import type { NextFunction, Request, Response } from 'express';
import { verifyToken } from './tokens.ts';

/** A request that carried a valid token for the conversation in its path. */
export type Authed = Request & { conversation?: { id: string; userId: string } };

/**
 * Only the conversation's own token opens it: `Authorization: Bearer <token>`,
 * or (with `allowQuery`, for EventSource, which cannot set headers) `?token=`.
 */
export function conversationAuth(secret: string, maxAgeMs: number, { allowQuery = false } = {}) {
  return (req: Authed, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    let token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token && allowQuery && typeof req.query.token === 'string') token = req.query.token.trim();
    const payload = token ? verifyToken(secret, token, maxAgeMs) : undefined;
    if (!payload || payload.c !== req.params.id) {
      res.status(401).json({ error: 'unauthorized', message: 'Missing or invalid conversation token.' });
      return;
    }
    req.conversation = { id: payload.c, userId: payload.u };
    next();
  };
}

import type { Response } from 'express';
import { isColloquyError, type Engine } from '../../src/index.ts';
import type { Authed } from './conversation-auth.ts';

/** Largest page of history one request gets. */
const MAX_PAGE = 100;

/**
 * `GET /conversations/:id/messages?limit=&before=|after=`: a page of the
 * conversation's turns from `engine.history` as `{messages, hasMore}`.
 */
export async function sendHistory(engine: Engine, req: Authed, res: Response): Promise<void> {
  const limit = clampInt(req.query.limit, 50, 1, MAX_PAGE);
  const before = typeof req.query.before === 'string' ? req.query.before : undefined;
  const after = typeof req.query.after === 'string' ? req.query.after : undefined;
  if (before && after) return void res.status(400).json({ error: 'bad_request', message: 'Use "before" or "after", not both.' });
  try {
    const page = await engine.history(req.conversation!.id, { limit, ...(before ? { before } : {}), ...(after ? { after } : {}) });
    const messages = page.turns.map((t) => ({ id: t.id, speaker: t.speaker, text: t.text, at: t.at, feedback: t.feedback?.value ?? null }));
    res.json({ messages, hasMore: page.hasMore });
  } catch (err) {
    if (!isColloquyError(err, 'history_turn_unknown')) throw err;
    res.status(400).json({ error: 'bad_request', message: `No message "${before ?? after}" in this conversation.` });
  }
}

function clampInt(v: unknown, fallback: number, min: number, max: number): number {
  const n = typeof v === 'string' && v.trim() ? Number(v) : NaN;
  return Number.isInteger(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

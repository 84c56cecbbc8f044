import type { Request, Response } from 'express';
import type { Engine, Logger } from '../../src/index.ts';
import type { Authed } from './conversation-auth.ts';

/** The channel name web conversations are logged under. */
export const WEB_CHANNEL = 'web';

/** How often the events stream sends a keep-alive comment. */
export const EVENTS_HEARTBEAT_MS = 20_000;

/** Starts a Server-Sent Events response; the returned `send` writes one event (never after the client left). */
function openEventStream(res: Response) {
  res.status(200);
  res.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' });
  res.flushHeaders();
  const write = (chunk: string) => {
    if (!res.writableEnded && !res.destroyed) res.write(chunk);
  };
  const send = (event: string, data: unknown, eventId?: string) => write(`${eventId ? `id: ${eventId}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  return { write, send };
}

/**
 * `POST /conversations/:id/messages` after auth and limits: the reply streamed
 * as `token` events, then `done` `{kind, text, turnId, userTurnId}` (or `error`);
 * a message whose `clientMessageId` was answered before gets that answer, with `duplicate: true`.
 */
export async function streamReply(engine: Engine, logger: Logger, req: Authed, res: Response, text: string, clientMessageId?: string): Promise<void> {
  const { id, userId } = req.conversation!;
  const reply = await engine.handle({ channel: WEB_CHANNEL, conversationId: id, userId, text, receivedAt: new Date(), ...(clientMessageId === undefined ? {} : { externalId: clientMessageId }) });
  reply.result.catch(() => undefined); // awaited below; never unhandled
  const { send } = openEventStream(res);
  try {
    // the client may leave mid-reply: the engine still finishes and logs it
    for await (const piece of reply.stream) send('token', piece);
    const r = await reply.result;
    // a resent message: its first answer again, marked
    if (r.duplicateOf) send('done', { kind: r.duplicateOf.turnId ? 'reply' : 'silent', text: r.duplicateOf.text, turnId: r.duplicateOf.turnId ?? null, userTurnId: r.duplicateOf.userTurnId, duplicate: true });
    else send('done', { kind: r.kind, text: r.text, turnId: r.turnId ?? null, userTurnId: r.userTurnId ?? null });
  } catch (err) {
    logger.error('web reply failed', { conversationId: id, error: (err as Error)?.message ?? String(err) });
    send('error', { message: 'Sorry, something went wrong. Please try again.' });
  } finally {
    res.end();
  }
}

/**
 * `GET /conversations/:id/events`: the conversation's live events through
 * `engine.watch` — `agent-message` `{turnId, agentId, text}`, `notice`
 * `{turnId, text, reason}` and `handoff` `{state, by, agentId}` — plus a
 * comment every 20 s so proxies keep it open.
 */
export function streamEvents(engine: Engine, req: Authed & Request, res: Response): void {
  const { write, send } = openEventStream(res);
  write('retry: 3000\n: connected\n\n');
  const unwatch = engine.watch(req.conversation!.id, ({ event, payload: e }) => {
    if (event === 'agent-message') send(event, { turnId: e.turnId, agentId: e.agentId, text: e.text }, e.turnId);
    else if (event === 'notice') send(event, { turnId: e.turnId, text: e.text, reason: e.reason }, e.turnId);
    else if (event === 'handoff') send(event, { state: e.state, by: e.by ?? null, agentId: e.handoff.agentId ?? null });
  });
  const heartbeat = setInterval(() => write(': heartbeat\n\n'), EVENTS_HEARTBEAT_MS);
  heartbeat.unref();
  let closed = false;
  const cleanup = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unwatch();
  };
  req.on('close', cleanup);
  res.on('close', cleanup);
}

import { errorText } from '../../src/index.ts';
import { createThrottledEditor, type EngineReply, type EngineResult, type Logger } from '../../src/index.ts';
import type { PostTarget, SlackPoster } from './slack-poster.ts';
import { toSlack } from './slack-text.ts';

/** Shown as soon as a reply starts streaming, before the first edit. */
export const PLACEHOLDER = '…';
/** Ends the text while it is still being written; the final edit drops it. */
export const STREAMING_CURSOR = ' ▍';

export interface DeliverReplyInput {
  reply: EngineReply;
  to: Required<PostTarget>;
  conversationId: string;
  poster: SlackPoster;
  /** Minimum time between two `chat.update` calls on the message. */
  editIntervalMs: number;
  /** Shown in place of a half-streamed reply when the engine fails. */
  failureText: string;
  logger: Logger;
}

/** The answer as delivered: the engine's result and the Slack message that shows it (none when silent or when posting failed). */
export interface Delivered {
  result?: EngineResult;
  ts?: string;
}

/**
 * Shows one engine answer in a thread. A reply still being generated when its
 * first piece arrives gets a placeholder that is edited as pieces come
 * (throttled) and replaced by the final text — the fallback text when
 * `result.kind` is `fallback`. An answer complete at once (commands, notices)
 * is posted as it is; a silent one posts nothing. Slack errors are logged,
 * never thrown.
 */
export async function deliverReply({ reply, to, conversationId, poster, editIntervalMs, failureText, logger }: DeliverReplyInput): Promise<Delivered> {
  const where = { conversationId };
  let settled = false;
  reply.result.then(() => void (settled = true), () => void (settled = true));
  const pieces = reply.stream[Symbol.asyncIterator]();
  let ts: string | undefined;
  try {
    const first = await pieces.next();
    if (first.done || (await afterPendingWork(), settled)) {
      const result = await reply.result;
      if (result.text) ts = await poster.post(to, toSlack(result.text), { kind: 'reply', conversationId, turnId: result.turnId });
      return { result, ts };
    }

    ts = await poster.post(to, PLACEHOLDER, { kind: 'reply', conversationId });
    const messageTs = ts;
    const editor = createThrottledEditor({
      edit: (text) => poster.update(to.channel, messageTs, text),
      intervalMs: editIntervalMs,
      onError: (err) => logger.warn('slack: streaming edit failed', { ...where, error: errorText(err) }),
    });
    let text = first.value;
    editor.update(toSlack(text.trim()) + STREAMING_CURSOR);
    for (let next = await pieces.next(); !next.done; next = await pieces.next()) {
      text += next.value;
      editor.update(toSlack(text.trim()) + STREAMING_CURSOR);
    }
    const result = await reply.result;
    if (result.text) await editor.finish(toSlack(result.text));
    else await poster.remove(to.channel, messageTs);
    return { result, ts };
  } catch (err) {
    logger.error('slack: could not deliver the reply', { ...where, error: errorText(err) });
    const result = await reply.result.catch(() => undefined);
    // the engine failed mid-stream: do not leave half a reply standing
    if (ts && !result) await poster.update(to.channel, ts, toSlack(failureText)).catch(() => {});
    return { result, ts };
  }
}

/** Lets everything already queued run (an answer that was complete at once has settled by then). */
const afterPendingWork = () => new Promise<void>((resolve) => setImmediate(resolve));


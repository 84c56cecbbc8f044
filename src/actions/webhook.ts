import type { ActionHandler, ActionResults } from './types.ts';

/** Largest webhook answer read (bytes); a bigger one fails the call. */
export const DEFAULT_WEBHOOK_MAX_BYTES = 256 * 1024;

export interface WebhookOptions {
  url: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string;
  maxBytes?: number;
}

/**
 * A handler that POSTs `{conversationId, parameters, recentTurns}` as JSON to
 * `url` and expects `{results: [records]}`. A non-2xx status, a body that is
 * not that JSON, or one larger than `maxBytes` fails the call (the action
 * runner turns the failure into an action turn with `error`).
 *
 * @example
 * const handler = webhookHandler({ url: 'https://shop.example/colloquy/orders', token: config.actionsToken });
 */
export function webhookHandler({ url, token, maxBytes = DEFAULT_WEBHOOK_MAX_BYTES }: WebhookOptions): ActionHandler {
  return async (parameters, { conversationId, recentTurns, signal }) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ conversationId, parameters, recentTurns: recentTurns.map((t) => ({ speaker: t.speaker, text: t.text })) }),
      signal,
    });
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new Error(`the webhook answered HTTP ${res.status}`);
    }
    const body = await readLimited(res, maxBytes);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new Error('the webhook did not answer JSON');
    }
    const results = (json as { results?: unknown })?.results;
    if (!Array.isArray(results)) throw new Error('the webhook answer has no "results" list');
    return results as ActionResults;
  };
}

async function readLimited(res: Response, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new Error(`the webhook answer is larger than ${maxBytes} bytes`);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`the webhook answer is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

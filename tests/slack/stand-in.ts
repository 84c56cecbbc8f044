/**
 * A stand-in for Slack on 127.0.0.1, for driving the real bolt App offline:
 * the Web API (records every call, keeps the bot's messages and their edits,
 * can be told to fail a method), a signed Events API sender (events and
 * button clicks, with retry headers and stale or forged signatures), and a
 * Socket Mode WebSocket server (hello, envelopes, acks, pings, dropping the
 * socket).
 */
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface SlackStandInOptions {
  botToken?: string;
  appToken?: string;
  signingSecret?: string;
  team?: string;
  botUserId?: string;
  botId?: string;
}

/** One Web API call as it arrived. */
export interface ApiCall {
  method: string;
  args: Record<string, unknown>;
  token?: string;
  /** Date.now() on arrival. */
  at: number;
}

/** A message the bot posted, with every text it has shown. */
export interface BotMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  /** The text after each post and edit, in order. */
  versions: string[];
  metadata?: { event_type: string; event_payload?: Record<string, unknown> };
  blocks?: Array<Record<string, unknown>>;
  deleted: boolean;
}

export interface Delivery {
  status: number;
  body: string;
}

export interface SignOptions {
  /** Seconds since the epoch; default now. */
  timestamp?: number;
  /** Signs with this secret instead of the right one. */
  secret?: string;
  headers?: Record<string, string>;
}

export const STAND_IN_DEFAULTS = {
  botToken: 'xoxb-stand-in-bot-token',
  appToken: 'xapp-stand-in-app-token',
  signingSecret: 'stand-in-signing-secret',
  team: 'T0STANDIN',
  botUserId: 'U0BOT',
  botId: 'B0BOT',
};

export type SlackStandIn = Awaited<ReturnType<typeof startSlackStandIn>>;

export async function startSlackStandIn(options: SlackStandInOptions = {}) {
  const o = { ...STAND_IN_DEFAULTS, ...options };
  const calls: ApiCall[] = [];
  const messages: BotMessage[] = [];
  const failures = new Map<string, string[]>();
  let tsCounter = 0;
  let eventsUrl: string | undefined;

  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++tsCounter).padStart(6, '0')}`;
  const find = (channel: unknown, ts: unknown) => messages.find((m) => m.channel === channel && m.ts === ts && !m.deleted);

  const api = (method: string, args: Record<string, unknown>, token: string | undefined): Record<string, unknown> => {
    const failure = failures.get(method)?.shift();
    if (failure) return { ok: false, error: failure };
    if (method === 'apps.connections.open') {
      return token === o.appToken ? { ok: true, url: `ws://127.0.0.1:${port}/socket?ticket=${randomUUID()}` } : { ok: false, error: 'invalid_auth' };
    }
    if (token !== o.botToken) return { ok: false, error: 'invalid_auth' };
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://standin.slack.test/', team: 'Stand-in', user: 'colloquy', team_id: o.team, user_id: o.botUserId, bot_id: o.botId };
      case 'chat.postMessage': {
        if (!args.channel) return { ok: false, error: 'channel_not_found' };
        const m: BotMessage = {
          channel: String(args.channel),
          ts: nextTs(),
          threadTs: args.thread_ts ? String(args.thread_ts) : undefined,
          text: String(args.text ?? ''),
          versions: [String(args.text ?? '')],
          metadata: args.metadata as BotMessage['metadata'],
          blocks: args.blocks as BotMessage['blocks'],
          deleted: false,
        };
        messages.push(m);
        return { ok: true, channel: m.channel, ts: m.ts, message: { type: 'message', user: o.botUserId, bot_id: o.botId, text: m.text, ts: m.ts } };
      }
      case 'chat.update': {
        const m = find(args.channel, args.ts);
        if (!m) return { ok: false, error: 'message_not_found' };
        m.text = String(args.text ?? '');
        m.versions.push(m.text);
        if (args.metadata) m.metadata = args.metadata as BotMessage['metadata'];
        if (args.blocks) m.blocks = args.blocks as BotMessage['blocks'];
        return { ok: true, channel: m.channel, ts: m.ts, text: m.text };
      }
      case 'chat.delete': {
        const m = find(args.channel, args.ts);
        if (!m) return { ok: false, error: 'message_not_found' };
        m.deleted = true;
        return { ok: true, channel: m.channel, ts: m.ts };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const match = /^\/api\/([\w.]+)/.exec(req.url ?? '');
      if (req.method !== 'POST' || !match) {
        res.writeHead(404).end();
        return;
      }
      const args = parseArgs(Buffer.concat(chunks).toString('utf8'), req.headers['content-type'] ?? '');
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? (args.token as string | undefined);
      calls.push({ method: match[1], args, token, at: Date.now() });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(api(match[1], args, token)));
    });
  });

  // — Socket Mode —
  const wss = new WebSocketServer({ server, path: '/socket' });
  const sockets = new Set<WebSocket>();
  let connections = 0;
  let current: WebSocket | undefined;
  const acks = new Map<string, () => void>();
  wss.on('connection', (ws) => {
    connections += 1;
    sockets.add(ws);
    current = ws;
    const ping = setInterval(() => ws.ping(), 5_000); // bolt expects a ping from the server within 30 s
    ws.on('message', (data) => {
      const { envelope_id } = JSON.parse(String(data)) as { envelope_id?: string };
      if (envelope_id) acks.get(envelope_id)?.();
    });
    ws.on('close', () => {
      clearInterval(ping);
      sockets.delete(ws);
      if (current === ws) current = undefined;
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'stand-in' }, connection_info: { app_id: 'A0STANDIN' } }));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const sign = (raw: string, { timestamp = Math.floor(Date.now() / 1000), secret = o.signingSecret }: SignOptions = {}) => ({
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': 'v0=' + createHmac('sha256', secret).update(`v0:${timestamp}:${raw}`).digest('hex'),
  });

  const postSigned = async (raw: string, contentType: string, opts: SignOptions = {}): Promise<Delivery> => {
    if (!eventsUrl) throw new Error('stand-in: no events URL (call useHttp first)');
    const res = await fetch(eventsUrl, { method: 'POST', body: raw, headers: { 'content-type': contentType, ...sign(raw, opts), ...opts.headers } });
    return { status: res.status, body: await res.text() };
  };

  const sendEnvelope = (type: string, payload: unknown, extra: Record<string, unknown> = {}): Promise<void> => {
    const ws = current;
    if (!ws) return Promise.reject(new Error('stand-in: no Socket Mode connection'));
    const envelopeId = randomUUID();
    return withTimeout(
      new Promise<void>((resolve) => {
        acks.set(envelopeId, () => {
          acks.delete(envelopeId);
          resolve();
        });
        ws.send(JSON.stringify({ envelope_id: envelopeId, type, accepts_response_payload: false, payload, ...extra }));
      }),
      10_000,
      `ack of envelope ${type}`,
    );
  };

  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    options: o,
    calls,
    messages,
    nextTs,
    /** Calls to one method, in order. */
    callsTo: (method: string) => calls.filter((c) => c.method === method),
    /** The bot's live messages in a thread (or a channel's top level when `threadTs` is absent), oldest first. */
    botMessagesIn: (channel: string, threadTs?: string) => messages.filter((m) => m.channel === channel && m.threadTs === threadTs && !m.deleted),
    /** The next call(s) to `method` answer `{ok:false, error}`. */
    failNext(method: string, error: string, times = 1) {
      failures.set(method, [...(failures.get(method) ?? []), ...Array(times).fill(error)]);
    },

    /** Where `deliver` posts events (the adapter's HTTP endpoint); without it, events go over the socket. */
    useHttp(url: string | undefined) {
      eventsUrl = url;
    },
    /** An `event_callback` body around `event`. */
    eventCallback(event: Record<string, unknown>, eventId = `Ev${randomUUID().replace(/-/g, '').slice(0, 12)}`) {
      return {
        token: 'legacy-verification-token',
        team_id: o.team,
        api_app_id: 'A0STANDIN',
        event: { event_ts: event.ts ?? nextTs(), ...event },
        type: 'event_callback',
        event_id: eventId,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ team_id: o.team, user_id: o.botUserId, is_bot: true }],
      };
    },
    /** Posts a JSON body to the events endpoint, signed (or not, per `opts`). */
    postEvent: (body: unknown, opts?: SignOptions) => postSigned(JSON.stringify(body), 'application/json', opts),
    /** Delivers an event body over HTTP or Socket Mode, whichever the adapter uses; `retryNum` marks a redelivery. */
    async deliver(body: { event_id?: string }, retryNum?: number): Promise<void> {
      if (eventsUrl) {
        const headers: Record<string, string> = retryNum ? { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': 'http_timeout' } : {};
        const res = await postSigned(JSON.stringify(body), 'application/json', { headers });
        if (res.status !== 200) throw new Error(`stand-in: events endpoint answered ${res.status}: ${res.body}`);
      } else {
        await sendEnvelope('events_api', body, { retry_attempt: retryNum ?? 0, retry_reason: retryNum ? 'timeout' : '' });
      }
    },
    /** A person clicks a button in a bot message (block_actions), over HTTP or Socket Mode. */
    async click(user: string, message: BotMessage, actionId: string): Promise<void> {
      const button = (message.blocks ?? [])
        .flatMap((b) => (b.elements as Array<Record<string, unknown>> | undefined) ?? [])
        .find((e) => e.action_id === actionId);
      if (!button) throw new Error(`stand-in: no button ${actionId} in message ${message.ts}`);
      const payload = {
        type: 'block_actions',
        team: { id: o.team, domain: 'standin' },
        user: { id: user, username: user, team_id: o.team },
        api_app_id: 'A0STANDIN',
        token: 'legacy-verification-token',
        container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
        trigger_id: `trigger-${randomUUID()}`,
        channel: { id: message.channel, name: 'agents' },
        message: { type: 'message', ts: message.ts, text: message.text },
        response_url: `http://127.0.0.1:${port}/response/${message.ts}`,
        actions: [{ type: 'button', action_id: actionId, block_id: 'b1', value: button.value, text: button.text, action_ts: nextTs() }],
      };
      if (eventsUrl) {
        const res = await postSigned(`payload=${encodeURIComponent(JSON.stringify(payload))}`, 'application/x-www-form-urlencoded');
        if (res.status !== 200) throw new Error(`stand-in: events endpoint answered ${res.status} to a click: ${res.body}`);
      } else {
        await sendEnvelope('interactive', payload);
      }
    },

    /** Socket Mode connections made so far. */
    get connections() {
      return connections;
    },
    get openSockets() {
      return sockets.size;
    },
    /** Drops every open socket without a close handshake, as a network failure would. */
    dropSockets() {
      for (const ws of sockets) ws.terminate();
    },

    async close() {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls `check` until it returns something truthy; fails after `timeoutMs` naming `what`. */
export async function waitFor<T>(check: () => T | undefined | false | null | Promise<T | undefined | false | null>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`stand-in: timed out waiting for ${what}`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const JSON_FIELDS = new Set(['blocks', 'metadata', 'attachments']);

/** Web API arguments from a form-encoded or JSON body; form fields holding JSON (blocks, metadata) are parsed. */
function parseArgs(raw: string, contentType: string): Record<string, unknown> {
  if (!raw) return {};
  if (contentType.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = JSON_FIELDS.has(key) ? tryJson(value) : value;
  }
  return args;
}

function tryJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

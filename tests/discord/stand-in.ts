/**
 * A stand-in for Discord on 127.0.0.1, enough for the real discord.js Client:
 * the REST routes a bot uses (recording every call) and a Gateway WebSocket
 * (HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME with replay,
 * dispatches). One guild with #general, #agents and a thread in #general;
 * DM channels per user. Tests play users with `send`, `react` and `click`,
 * drop the socket with `dropSocket`, and read what the bot did from `calls`
 * and `messages`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { WebSocketServer, type WebSocket } from 'ws';

export interface StandInUser {
  id: string;
  username: string;
  bot?: boolean;
}

export interface RecordedCall {
  method: string;
  /** Path below `/api/v10`, e.g. `/channels/123/messages`. */
  path: string;
  body: unknown;
  status: number;
  /** Date.now() when the call arrived. */
  at: number;
}

export interface StoredMessage {
  id: string;
  channelId: string;
  guildId?: string;
  author: StandInUser;
  content: string;
  /** Every content the message had, the first one included, with when it was set. */
  history: Array<{ content: string; at: number }>;
  /** The message this one replies to. */
  replyTo?: string;
  components: unknown[];
  mentions: StandInUser[];
}

export interface StandInChannel {
  id: string;
  type: number;
  name?: string;
  guildId?: string;
  parentId?: string;
  /** DM channels: the user on the other side. */
  recipient?: StandInUser;
}

export interface StandInOptions {
  token?: string;
  /** Where a wrong token is refused: REST 401 (default, as Discord does first) or the gateway closing with 4004. */
  badTokenAt?: 'rest' | 'gateway';
  heartbeatIntervalMs?: number;
}

export interface FailRule {
  method: string;
  path: RegExp;
  status: number;
  times?: number;
  when?(body: Record<string, unknown>): boolean;
}

export interface SendInput {
  channelId: string;
  author: StandInUser;
  content: string;
  /** Users mentioned (the bot included when the text mentions it). */
  mentions?: StandInUser[];
}

const API = '/api/v10';
const GUILD_CREATED = '2024-01-01T00:00:00.000Z';

/** Snowflake-shaped ids, increasing. */
function createIds(): () => string {
  let next = 1_200_000_000_000_000_000n;
  return () => String(next++);
}

export interface DiscordStandIn {
  /** REST base for the client's `rest.api` option. */
  readonly apiUrl: string;
  readonly gatewayUrl: string;
  readonly token: string;
  readonly bot: StandInUser;
  readonly guildId: string;
  readonly general: string;
  readonly agents: string;
  /** A thread in #general that exists before the bot connects. */
  readonly thread: string;
  readonly calls: RecordedCall[];
  readonly messages: StoredMessage[];
  /** Gateway sessions opened by IDENTIFY, and successful RESUMEs. */
  readonly counts: { identify: number; resume: number; connections: number };
  /** A human user with a stable id per name. */
  user(name: string): StandInUser;
  /** The DM channel between `user` and the bot (created on first use). */
  dmChannel(user: StandInUser): string;
  channel(id: string): StandInChannel | undefined;
  /** `author` posts a message; resolves once the client has received it (after a reconnect if the socket is down). */
  send(input: SendInput): Promise<StoredMessage>;
  /** Delivers a message already sent once more (a duplicate dispatch, as a resumed gateway may send). */
  redeliver(message: StoredMessage): Promise<void>;
  /** `user` reacts to a message with `emoji`; resolves once the client has received it. */
  react(input: { messageId: string; user: StandInUser; emoji: string }): Promise<void>;
  /** `user` presses a button (`customId`) on a message; resolves once the client has received it. */
  click(input: { messageId: string; user: StandInUser; customId: string }): Promise<void>;
  /** Drops the gateway socket without a close handshake (as a network failure would). */
  dropSocket(): void;
  /** Gateway sockets open now. */
  openSockets(): number;
  /** Calls matching `method`, `path` (and `when`, given the JSON body) fail with `status`, `times` times (default: always). */
  fail(rule: FailRule): void;
  /** Messages the bot posted in a channel, oldest first. */
  botMessages(channelId: string): StoredMessage[];
  /** Polls `check` until it returns something truthy. */
  waitFor<T>(check: () => T | undefined | null | false, timeoutMs?: number, what?: string): Promise<T>;
  close(): Promise<void>;
}

interface Session {
  id: string;
  seq: number;
  events: Array<{ s: number; t: string; d: unknown }>;
  socket?: WebSocket;
  /** The highest sequence the client told us it has seen (in its heartbeats). */
  clientSeq: number;
}

/** Starts the stand-in on a free port of 127.0.0.1. */
export async function startDiscordStandIn({ token = 'stand-in-token', badTokenAt = 'rest', heartbeatIntervalMs = 41_250 }: StandInOptions = {}): Promise<DiscordStandIn> {
  const nextId = createIds();
  const bot: StandInUser = { id: nextId(), username: 'colloquy', bot: true };
  const guildId = nextId();
  const channels = new Map<string, StandInChannel>();
  const general = nextId();
  const agents = nextId();
  const thread = nextId();
  channels.set(general, { id: general, type: 0, name: 'general', guildId });
  channels.set(agents, { id: agents, type: 0, name: 'agents', guildId });
  channels.set(thread, { id: thread, type: 11, name: 'help-thread', guildId, parentId: general });
  const users = new Map<string, StandInUser>();
  const dms = new Map<string, string>();
  const messages: StoredMessage[] = [];
  const calls: RecordedCall[] = [];
  const counts = { identify: 0, resume: 0, connections: 0 };
  const failures: Array<Required<Omit<FailRule, 'when'>> & Pick<FailRule, 'when'>> = [];
  const sessions = new Map<string, Session>();
  let current: Session | undefined;

  // — REST —
  const app = express();
  app.use(express.json({ limit: '10mb' }));
  app.use(API, (req: Request, res: Response, next: NextFunction) => {
    const call: RecordedCall = { method: req.method, path: req.path, body: req.body, status: 0, at: Date.now() };
    calls.push(call);
    res.on('finish', () => (call.status = res.statusCode));
    const interaction = req.path.startsWith('/interactions/');
    if (!interaction && badTokenAt === 'rest' && req.get('authorization') !== `Bot ${token}`) {
      return void res.status(401).json({ message: '401: Unauthorized', code: 0 });
    }
    const failure = failures.find((f) => f.method === req.method && f.path.test(req.path) && f.times > 0 && (!f.when || f.when((req.body ?? {}) as Record<string, unknown>)));
    if (failure) {
      failure.times--;
      return void res.status(failure.status).json({ message: 'Missing Permissions', code: 50013 });
    }
    next();
  });

  const server: Server = createServer(app);
  const wss = new WebSocketServer({ server, path: '/gateway' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const apiUrl = `http://127.0.0.1:${port}/api`;
  const gatewayUrl = `ws://127.0.0.1:${port}/gateway`;

  const apiUser = (u: StandInUser) => ({ id: u.id, username: u.username, discriminator: '0', global_name: u.bot ? null : u.username, avatar: null, bot: !!u.bot });
  const apiMember = (u: StandInUser) => ({ user: apiUser(u), roles: [], joined_at: GUILD_CREATED, deaf: false, mute: false, flags: 0 });
  const apiChannel = (c: StandInChannel) =>
    c.type === 1
      ? { id: c.id, type: 1, last_message_id: null, recipients: [apiUser(c.recipient!)] }
      : c.type === 11
        ? {
            id: c.id,
            type: 11,
            guild_id: c.guildId,
            parent_id: c.parentId,
            name: c.name,
            owner_id: bot.id,
            member_count: 1,
            message_count: 0,
            rate_limit_per_user: 0,
            flags: 0,
            thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: GUILD_CREATED, locked: false },
          }
        : { id: c.id, type: c.type, guild_id: c.guildId, name: c.name, position: 0, permission_overwrites: [], parent_id: null, nsfw: false, topic: null, last_message_id: null, rate_limit_per_user: 0, flags: 0 };
  const apiMessage = (m: StoredMessage) => {
    const last = m.history[m.history.length - 1]!;
    return {
      id: m.id,
      channel_id: m.channelId,
      channel_type: channels.get(m.channelId)?.type ?? 0,
      ...(m.guildId ? { guild_id: m.guildId, member: apiMember(m.author) } : {}),
      author: apiUser(m.author),
      content: m.content,
      timestamp: new Date(m.history[0]!.at).toISOString(),
      edited_timestamp: m.history.length > 1 ? new Date(last.at).toISOString() : null,
      tts: false,
      mention_everyone: false,
      mentions: m.mentions.map((u) => ({ ...apiUser(u), ...(m.guildId ? { member: apiMember(u) } : {}) })),
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      type: m.replyTo ? 19 : 0,
      flags: 0,
      components: m.components,
      ...(m.replyTo ? { message_reference: { type: 0, message_id: m.replyTo, channel_id: m.channelId, ...(m.guildId ? { guild_id: m.guildId } : {}) } } : {}),
    };
  };
  const findMessage = (channelId: string, id: string) => messages.find((m) => m.id === id && m.channelId === channelId);
  const unknown = (res: Response, what: string, code: number) => void res.status(404).json({ message: `Unknown ${what}`, code });

  app.get(`${API}/gateway/bot`, (_req, res) => {
    res.json({ url: gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 } });
  });
  app.get(`${API}/users/@me`, (_req, res) => void res.json(apiUser(bot)));
  app.get(`${API}/channels/:id`, (req, res) => {
    const c = channels.get(req.params.id!);
    if (!c) return unknown(res, 'Channel', 10003);
    res.json(apiChannel(c));
  });
  app.post(`${API}/channels/:id/typing`, (req, res) => {
    if (!channels.has(req.params.id!)) return unknown(res, 'Channel', 10003);
    res.status(204).end();
  });
  app.post(`${API}/channels/:id/messages`, (req, res) => {
    const c = channels.get(req.params.id!);
    if (!c) return unknown(res, 'Channel', 10003);
    const body = req.body as { content?: string; message_reference?: { message_id?: string }; components?: unknown[] };
    const content = body.content ?? '';
    if (!content.trim() || content.length > 2000) {
      return void res.status(400).json({ message: 'Invalid Form Body', code: 50035, errors: { content: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 2000 in length.' }] } } });
    }
    const m: StoredMessage = {
      id: nextId(),
      channelId: c.id,
      ...(c.guildId ? { guildId: c.guildId } : {}),
      author: bot,
      content,
      history: [{ content, at: Date.now() }],
      ...(body.message_reference?.message_id ? { replyTo: body.message_reference.message_id } : {}),
      components: body.components ?? [],
      mentions: [],
    };
    messages.push(m);
    res.json(apiMessage(m));
    dispatch('MESSAGE_CREATE', apiMessage(m)); // Discord echoes the bot's own messages through the gateway
  });
  app.patch(`${API}/channels/:id/messages/:mid`, (req, res) => {
    const m = findMessage(req.params.id!, req.params.mid!);
    if (!m) return unknown(res, 'Message', 10008);
    const content = (req.body as { content?: string }).content;
    if (content !== undefined) {
      if (!content.trim() || content.length > 2000) return void res.status(400).json({ message: 'Invalid Form Body', code: 50035 });
      m.content = content;
      m.history.push({ content, at: Date.now() });
    }
    res.json(apiMessage(m));
    dispatch('MESSAGE_UPDATE', apiMessage(m));
  });
  app.post(`${API}/channels/:id/messages/:mid/threads`, (req, res) => {
    const m = findMessage(req.params.id!, req.params.mid!);
    const parent = channels.get(req.params.id!);
    if (!m || !parent?.guildId) return unknown(res, 'Message', 10008);
    // a thread started on a message takes the message's id
    const t: StandInChannel = { id: m.id, type: 11, name: String((req.body as { name?: string }).name ?? 'thread'), guildId: parent.guildId, parentId: parent.id };
    channels.set(t.id, t);
    res.status(201).json(apiChannel(t));
    dispatch('THREAD_CREATE', { ...apiChannel(t), newly_created: true });
  });
  app.put(`${API}/channels/:id/messages/:mid/reactions/:emoji/@me`, (_req, res) => void res.status(204).end());
  app.post(`${API}/interactions/:id/:token/callback`, (_req, res) => void res.status(204).end());
  app.use(API, (_req, res) => void res.status(404).json({ message: '404: Not Found', code: 0 }));

  // — Gateway —
  const guildCreate = () => ({
    id: guildId,
    name: 'Stand-in shop',
    icon: null,
    owner_id: bot.id,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    preferred_locale: 'en-US',
    system_channel_flags: 0,
    roles: [{ id: guildId, name: '@everyone', permissions: '68608', position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 }],
    emojis: [],
    stickers: [],
    features: [],
    joined_at: GUILD_CREATED,
    large: false,
    unavailable: false,
    member_count: 1,
    members: [apiMember(bot)],
    channels: [...channels.values()].filter((c) => c.guildId && c.type !== 11).map(apiChannel),
    threads: [...channels.values()].filter((c) => c.type === 11).map(apiChannel),
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  });

  const sendOn = (socket: WebSocket | undefined, payload: unknown) => {
    if (socket?.readyState === socket?.OPEN) socket?.send(JSON.stringify(payload));
  };

  /** Sends an event on the live session (kept for replay when the socket is down); returns its sequence. */
  function dispatch(t: string, d: unknown): number {
    const session = current;
    if (!session) return 0;
    const s = ++session.seq;
    session.events.push({ s, t, d });
    sendOn(session.socket, { op: 0, t, s, d });
    return s;
  }

  /** Resolves once the client's heartbeat shows it received event `s` (asks it for one). */
  const received = async (s: number) => {
    const session = current;
    if (!session || s === 0) throw new Error('the client is not connected to the stand-in');
    // a requested heartbeat can be answered before the client has applied the event: ask until it has
    let askedAt = 0;
    await waitFor(
      () => {
        if (session.clientSeq >= s) return true;
        if (Date.now() - askedAt >= 50) {
          askedAt = Date.now();
          sendOn(session.socket, { op: 1, d: null });
        }
        return false;
      },
      20_000,
      `the client to receive event ${s}`,
    );
  };

  wss.on('connection', (socket) => {
    counts.connections++;
    let session: Session | undefined;
    sendOn(socket, { op: 10, d: { heartbeat_interval: heartbeatIntervalMs } });
    socket.on('message', (raw) => {
      let payload: { op: number; d: any };
      try {
        payload = JSON.parse(String(raw));
      } catch {
        return void socket.close(4002, 'Decode error');
      }
      switch (payload.op) {
        case 1: // heartbeat: its d is the last sequence the client saw
          if (session && typeof payload.d === 'number') session.clientSeq = Math.max(session.clientSeq, payload.d);
          sendOn(socket, { op: 11 });
          break;
        case 2: {
          if (payload.d?.token !== token) return void socket.close(4004, 'Authentication failed.');
          counts.identify++;
          session = { id: nextId(), seq: 0, events: [], socket, clientSeq: 0 };
          sessions.set(session.id, session);
          current = session;
          dispatch('READY', {
            v: 10,
            user: { ...apiUser(bot), verified: true, mfa_enabled: false, flags: 0 },
            guilds: [{ id: guildId, unavailable: true }],
            session_id: session.id,
            session_type: 'normal',
            resume_gateway_url: gatewayUrl,
            application: { id: bot.id, flags: 0 },
            shard: [0, 1],
            private_channels: [],
            relationships: [],
            presences: [],
            guild_join_requests: [],
            geo_ordered_rtc_regions: [],
            user_settings: {},
          });
          dispatch('GUILD_CREATE', guildCreate());
          break;
        }
        case 6: {
          const resumed = sessions.get(payload.d?.session_id);
          if (!resumed || payload.d?.token !== token) return void sendOn(socket, { op: 9, d: false });
          counts.resume++;
          session = resumed;
          resumed.socket = socket;
          current = resumed;
          for (const e of resumed.events.filter((ev) => ev.s > Number(payload.d.seq))) sendOn(socket, { op: 0, ...e });
          dispatch('RESUMED', {});
          break;
        }
      }
    });
    socket.on('close', () => {
      if (session?.socket === socket) session.socket = undefined;
    });
  });

  async function waitFor<T>(check: () => T | undefined | null | false, timeoutMs = 20_000, what = 'a condition'): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value) return value;
      if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  const userMessage = ({ channelId, author, content, mentions = [] }: SendInput): StoredMessage => {
    const c = channels.get(channelId);
    if (!c) throw new Error(`no channel ${channelId} in the stand-in`);
    const m: StoredMessage = { id: nextId(), channelId, ...(c.guildId ? { guildId: c.guildId } : {}), author, content, history: [{ content, at: Date.now() }], components: [], mentions };
    messages.push(m);
    return m;
  };

  return {
    apiUrl,
    gatewayUrl,
    token,
    bot,
    guildId,
    general,
    agents,
    thread,
    calls,
    messages,
    counts,
    user(name) {
      const known = users.get(name);
      if (known) return known;
      const u = { id: nextId(), username: name };
      users.set(name, u);
      return u;
    },
    dmChannel(user) {
      const known = dms.get(user.id);
      if (known) return known;
      const id = nextId();
      dms.set(user.id, id);
      channels.set(id, { id, type: 1, recipient: user });
      return id;
    },
    channel: (id) => channels.get(id),
    async send(input) {
      const m = userMessage(input);
      await received(dispatch('MESSAGE_CREATE', apiMessage(m)));
      return m;
    },
    async redeliver(m) {
      await received(dispatch('MESSAGE_CREATE', apiMessage(m)));
    },
    async react({ messageId, user, emoji }) {
      const m = messages.find((x) => x.id === messageId);
      if (!m) throw new Error(`no message ${messageId} in the stand-in`);
      const d = {
        user_id: user.id,
        channel_id: m.channelId,
        message_id: m.id,
        emoji: { id: null, name: emoji },
        burst: false,
        type: 0,
        message_author_id: m.author.id,
        ...(m.guildId ? { guild_id: m.guildId, member: apiMember(user) } : {}),
      };
      await received(dispatch('MESSAGE_REACTION_ADD', d));
    },
    async click({ messageId, user, customId }) {
      const m = messages.find((x) => x.id === messageId);
      const c = m && channels.get(m.channelId);
      if (!m || !c) throw new Error(`no message ${messageId} in the stand-in`);
      const d = {
        id: nextId(),
        application_id: bot.id,
        type: 3,
        data: { custom_id: customId, component_type: 2 },
        token: `interaction-token-${m.id}`,
        version: 1,
        channel_id: c.id,
        channel: apiChannel(c),
        message: apiMessage(m),
        locale: 'en-US',
        app_permissions: '0',
        entitlements: [],
        authorizing_integration_owners: {},
        context: c.guildId ? 0 : 1,
        ...(c.guildId ? { guild_id: c.guildId, guild_locale: 'en-US', member: { ...apiMember(user), permissions: '0' } } : { user: apiUser(user) }),
      };
      await received(dispatch('INTERACTION_CREATE', d));
    },
    dropSocket() {
      for (const client of wss.clients) client.terminate();
    },
    openSockets: () => wss.clients.size,
    fail({ times = Infinity, ...rule }) {
      failures.push({ times, ...rule });
    },
    botMessages: (channelId) => messages.filter((m) => m.channelId === channelId && m.author.id === bot.id),
    waitFor,
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

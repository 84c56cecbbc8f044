/**
 * The agents' side of a hand-off, once for every platform: a request is
 * announced where agents work (with the last turns, from `engine.history`), an
 * agent's reply in the announcement's thread takes the conversation and reaches
 * the user, `/bot` there (or a button) gives it back, and while a person is
 * involved the user's messages are copied into that thread. A platform
 * (Slack, Discord…) implements the small `AgentsPlatform` surface: how to post
 * and render; this desk decides what happens.
 */
import { isColloquyError } from '../errors.ts';
import type { HandoffEvent, Engine } from '../engine/types.ts';
import type { Logger } from '../logger.ts';
import type { HandoffInfo } from '../storage/types.ts';
import { errorText } from './error-text.ts';
import { createRecentMap } from './recent-map.ts';

/** Turns shown in an announcement by default. */
export const ANNOUNCED_TURNS = 6;

/** A line of the conversation as agents see it. */
export interface RecentTurn {
  who: 'user' | 'bot' | 'agent';
  text: string;
}

/** A hand-off as the agents' side shows it. */
export interface HandoffAnnouncement {
  conversationId: string;
  userId: string;
  reason: NonNullable<HandoffInfo['reason']>;
  /** The last turns before the request, oldest first. */
  turns: RecentTurn[];
  state: 'requested' | 'accepted' | 'closed';
  agentId?: string;
  /** `closed` only: who ended it. */
  closedBy?: NonNullable<HandoffEvent['by']>;
}

/** What the desk writes in an announcement's thread; the platform words it. */
export type DeskNote =
  | { kind: 'user-message'; userId: string; text: string }
  | { kind: 'closed'; by: NonNullable<HandoffEvent['by']> }
  /** An agent wrote after the hand-off ended: nothing reached the user. */
  | { kind: 'over' }
  /** The engine refused an agent's message (another agent holds the conversation, the text is too long…). */
  | { kind: 'refused'; reason: string };

/** The platform surface the desk works through. Every method may reject; the desk logs and goes on. */
export interface AgentsPlatform {
  /** Posts the announcement where agents work; resolves with the id of the thread they answer in. */
  announce(a: HandoffAnnouncement): Promise<string>;
  /** Shows a changed state on the announcement (optional). */
  update?(thread: string, a: HandoffAnnouncement): Promise<void>;
  /** Writes a note in the announcement's thread. */
  note(thread: string, note: DeskNote): Promise<void>;
  /** Delivers an agent's message or an engine notice in the user's conversation. */
  deliver(message: { conversationId: string; text: string; kind: 'agent-message' | 'notice'; turnId: string; agentId?: string }): Promise<void>;
  /** The conversation of a thread the desk does not remember (after a restart), if the platform can tell. */
  conversationOfThread?(thread: string): string | undefined;
}

export interface HandoffDeskInput {
  engine: Engine;
  /** The channel whose conversations this desk serves. */
  channel: string;
  /** The agents' side; without it (no agents channel configured) requests are refused by the engine and only agent messages and notices are delivered. */
  platform: AgentsPlatform;
  /** Whether agents can be reached (an agents channel is configured): the desk then joins the engine's hand-offs for `channel`. */
  staffed: boolean;
  logger: Logger;
  /** Runs background work so the channel's `stop()` can wait for it. */
  track(work: Promise<unknown>): void;
  /** Turns shown in an announcement. */
  announcedTurns?: number;
}

export interface HandoffDesk {
  /**
   * A person wrote in an announcement's thread: their message goes to the user,
   * or `/bot` gives the conversation back. When it cannot reach the user, the
   * agent is told by `answer` (a reply to their message), else by a note in the thread.
   */
  agentWrote(input: { thread: string; agentId: string; text: string; answer?: (note: DeskNote) => Promise<void> }): Promise<void>;
  /** The "give back to the bot" button. */
  giveBack(conversationId: string): Promise<void>;
  /** True while a person is asked for or holds the conversation (as far as this desk has seen). */
  isHeld(conversationId: string): boolean;
  /** Leaves the engine: no more announcements or deliveries. */
  stop(): void;
}

const REMEMBERED = 5_000;
const WEEK_MS = 7 * 24 * 3_600_000;

type Announced = HandoffAnnouncement & { thread: string };

/**
 * A map kept in the engine's channel state under `prefix`, each key for a week
 * after it was last set, with this process's own writes seen at once (an agent
 * may answer an announcement before its write reached the disk).
 */
function storedMap<V>(engine: Engine, prefix: string) {
  const mine = createRecentMap<V>({ max: REMEMBERED, ttlMs: WEEK_MS });
  return {
    get: async (key: string) => mine.get(key) ?? ((await engine.channelState.get(prefix + key)) as V | undefined),
    set: (key: string, value: V) => {
      mine.set(key, value);
      return engine.channelState.set(prefix + key, value, { ttlMs: WEEK_MS });
    },
  };
}

/**
 * Connects the desk to the engine for `channel`.
 *
 * @example
 * const desk = createHandoffDesk({ engine, channel: 'slack', platform, staffed: !!agentsChannel, logger, track });
 * // in the agents channel's thread: await desk.agentWrote({ thread: ts, agentId: user, text });
 */
export function createHandoffDesk({ engine, channel, platform, staffed, logger, track, announcedTurns = ANNOUNCED_TURNS }: HandoffDeskInput): HandoffDesk {
  // announcements and their threads live in the store: they survive a restart, and any instance can take the agent's reply
  const announcements = storedMap<Announced>(engine, `${channel}:handoff:`);
  const byThread = storedMap<string>(engine, `${channel}:handoff-thread:`);
  const states = createRecentMap<HandoffEvent['state']>({ max: REMEMBERED, ttlMs: WEEK_MS });
  /** One change at a time per conversation: an announcement's read-modify-write must not interleave with the next event's. */
  const tails = new Map<string, Promise<unknown>>();
  const serially = (conversationId: string, work: () => Promise<unknown>) => {
    const next = (tails.get(conversationId) ?? Promise.resolve()).then(work);
    const tail = next.catch(() => undefined);
    tails.set(conversationId, tail);
    void tail.then(() => tails.get(conversationId) === tail && tails.delete(conversationId));
    return next;
  };
  const background = (what: string, conversationId: string, work: () => Promise<unknown>) =>
    track(serially(conversationId, work).catch((err) => logger.error(`${channel}: ${what} failed`, { conversationId, error: errorText(err) })));
  const open = async (conversationId: string) => {
    const a = await announcements.get(conversationId);
    return a && a.state !== 'closed' ? a : undefined;
  };

  const recentTurns = async (conversationId: string): Promise<RecentTurn[]> => {
    const { turns } = await engine.history(conversationId, { limit: announcedTurns * 2 });
    return turns.flatMap((t) => (t.speaker === 'notice' || t.speaker === 'action' ? [] : [{ who: t.speaker, text: t.text }])).slice(-announcedTurns);
  };

  const onHandoff = (e: HandoffEvent) => {
    states.set(e.conversationId, e.state);
    if (e.state === 'requested') {
      if (!staffed) return logger.warn(`${channel}: a hand-off was requested but no agents channel is set`, { conversationId: e.conversationId });
      background('announcing the hand-off', e.conversationId, async () => {
        if (await open(e.conversationId)) return;
        const a: HandoffAnnouncement = { conversationId: e.conversationId, userId: e.userId, reason: e.handoff.reason ?? 'api', turns: await recentTurns(e.conversationId), state: 'requested' };
        const thread = await platform.announce(a);
        await Promise.all([announcements.set(e.conversationId, { ...a, thread }), byThread.set(thread, e.conversationId)]);
      });
      return;
    }
    background('updating the announcement', e.conversationId, async () => {
      const a = await open(e.conversationId);
      if (!a) return;
      a.state = e.state;
      if (e.state === 'accepted') a.agentId = e.handoff.agentId;
      if (e.state === 'closed') a.closedBy = e.by ?? 'agent';
      await announcements.set(e.conversationId, a);
      await platform.update?.(a.thread, a);
      if (a.closedBy) await platform.note(a.thread, { kind: 'closed', by: a.closedBy });
    });
  };

  const isBotCommand = (text: string) => text.trim().split(/\s+/, 1)[0]?.toLowerCase() === engine.options.commands.bot.toLowerCase();
  const giveBack = async (conversationId: string) => void (await engine.agent.close(conversationId));

  const disconnect = engine.connect(channel, {
    message(e) {
      // while a person is involved, the agents see what the user writes
      if ((e.handoff === 'requested' || e.handoff === 'accepted') && !e.command) {
        background('forwarding the user message', e.conversationId, async () => {
          const a = await open(e.conversationId);
          if (a) await platform.note(a.thread, { kind: 'user-message', userId: e.userId, text: e.text });
        });
      }
    },
    handoff: onHandoff,
    'agent-message': (e) => background('delivering the agent message', e.conversationId, () => platform.deliver({ conversationId: e.conversationId, text: e.text, kind: 'agent-message', turnId: e.turnId, agentId: e.agentId })),
    notice: (e) => background('delivering the notice', e.conversationId, () => platform.deliver({ conversationId: e.conversationId, text: e.text, kind: 'notice', turnId: e.turnId })),
  });
  const leave = staffed ? engine.agent.join(channel) : () => {};

  return {
    async agentWrote({ thread, agentId, text, answer = (note) => platform.note(thread, note) }) {
      const known = await byThread.get(thread);
      const conversationId = known ?? platform.conversationOfThread?.(thread);
      if (!conversationId) return; // agents talking among themselves
      if (!known) await byThread.set(thread, conversationId);
      let a = await announcements.get(conversationId);
      if (!a) {
        a = { conversationId, userId: '', reason: 'api', turns: [], state: states.get(conversationId) ?? 'requested', thread };
        await announcements.set(conversationId, a);
      }
      if (isBotCommand(text)) return giveBack(conversationId);
      if (a.state === 'closed') return answer({ kind: 'over' });
      try {
        if (a.agentId !== agentId) await engine.agent.accept(conversationId, agentId);
        await engine.agent.send(conversationId, agentId, text);
      } catch (err) {
        if (!isColloquyError(err)) throw err;
        logger.warn(`${channel}: agent message refused`, { conversationId, code: err.code });
        await answer({ kind: 'refused', reason: err.message });
      }
    },
    giveBack,
    isHeld(conversationId) {
      const state = states.get(conversationId);
      return state === 'requested' || state === 'accepted';
    },
    stop() {
      disconnect();
      leave();
    },
  };
}

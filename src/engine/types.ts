import type { ColloquyError } from '../errors.ts';
import type { HandoffInfo, HandoffState } from '../storage/types.ts';
import type { CommandName } from './commands.ts';
import type { HistoryPage, HistoryQuery } from './history.ts';
import type { ChannelStateOptions } from '../storage/types.ts';
import type { EngineOptions } from './options.ts';
import type { Understanding } from './understanding.ts';

/** What every channel hands the engine. */
export interface InboundMessage {
  /** 'web' | 'slack' | 'discord' | 'terminal' | ... */
  channel: string;
  /** Chosen by the adapter: per user, per channel or per thread. Stable for the conversation's life. */
  conversationId: string;
  userId: string;
  text: string;
  /** When the platform received it (passed on to hooks; the engine's clock times the log). */
  receivedAt?: Date;
  /**
   * The channel's own id of this message (Slack event id, Discord message id,
   * the widget's client message id), at most 200 characters. A message whose
   * id the conversation already holds is a redelivery: it is answered once,
   * the second time with `silent` and `duplicateOf`, even on another instance.
   */
  externalId?: string;
}

/**
 * How the engine answered: `reply` (the model), `fallback` (the model was not
 * confident enough), `command`, `notice` (bad input, store trouble) or
 * `silent` (a human owns the conversation, or is being asked to).
 */
export type ReplyKind = 'reply' | 'fallback' | 'command' | 'notice' | 'silent';

export interface EngineResult {
  conversationId: string;
  kind: ReplyKind;
  /** What the user should see ('' when silent). */
  text: string;
  /** The logged turn holding `text`; absent when nothing was logged (bad input, store failure, silent). */
  turnId?: string;
  /** The logged turn holding the user's message, when it was logged. */
  userTurnId?: string;
  /** Mean token log-probability of the generated reply (reply and fallback). */
  confidence?: number;
  modelVersion?: string;
  /** The model's scorer's reading of the message (out-of-scope score, kind, intent), when the model has a scorer and the bot answered. */
  understanding?: Understanding;
  /**
   * Set when the message was a redelivery (its `externalId` was answered
   * before): the result is `silent` and nothing new is logged; this is the
   * earlier answer, for channels whose client retries and needs it again (the widget).
   */
  duplicateOf?: { userTurnId: string; turnId?: string; text: string };
}

/**
 * The answer to one message, returned as soon as the message is queued.
 * `stream` yields the model's reply token by token as it is generated (or a
 * command's or notice's text in one piece); `result` settles once the answer is
 * logged, with its kind and final text. The model's confidence is known only at
 * the end: when `result.kind` is `'fallback'`, the streamed text was not good
 * enough and adapters show `result.text` in its place.
 */
export interface EngineReply {
  stream: AsyncIterable<string>;
  result: Promise<EngineResult>;
}

/** Where the engine reads the time (injectable so tests can move it). */
export interface Clock {
  now(): Date;
}

interface ConversationRef {
  conversationId: string;
  channel: string;
  userId: string;
}

/** A message the engine accepted and logged. Agents' tools follow hand-offs by watching `handoff !== 'none'`. */
export interface ReceivedMessageEvent extends ConversationRef {
  text: string;
  turnId: string;
  sessionId: string;
  receivedAt?: Date;
  /** The hand-off state when the message arrived. */
  handoff: HandoffState;
  command?: CommandName;
  /** The model's scorer's reading of the message (absent for commands, while a person is involved, or without a scorer). */
  understanding?: Understanding;
}

/** An answer sent back for a message (every kind but silent). */
export interface ReplyEvent extends ConversationRef {
  kind: Exclude<ReplyKind, 'silent'>;
  text: string;
  turnId?: string;
  confidence?: number;
  modelVersion?: string;
}

/** A message that got the fallback: out of scope, or a generated reply below the confidence threshold. */
export interface FallbackEvent extends ConversationRef {
  turnId: string;
  /** `out-of-scope`: the scorer judged the message outside the bot's training (nothing was generated); `confidence`: the reply's own probability was too low. */
  reason: 'out-of-scope' | 'confidence';
  /** The text the model wrote and the user did not see ('' when nothing was generated). */
  generated: string;
  /** Mean token log-probability of `generated` (absent when nothing was generated). */
  confidence?: number;
  /** The message's out-of-scope score, when the model has a scorer. */
  outOfScope?: number;
  modelVersion: string;
  /** Fallbacks in a row, this one included. */
  consecutive: number;
}

/** A hand-off changed state. Adapters route `requested` to the agents' side. */
export interface HandoffEvent extends ConversationRef {
  state: Exclude<HandoffState, 'none'>;
  handoff: HandoffInfo;
  /** `closed` only: who ended it. `timeout` means nobody accepted in time. */
  by?: 'user' | 'agent' | 'timeout';
}

export interface FeedbackEvent {
  conversationId: string;
  turnId: string;
  value: 'up' | 'down';
  userId?: string;
  /** The text of the turn the feedback is about. */
  text: string;
}

/** An agent's message for the user: the adapter delivers it on the conversation's channel. */
export interface AgentMessageEvent extends ConversationRef {
  agentId: string;
  text: string;
  turnId: string;
}

/** Something the engine tells the user outside a reply (hand-off accepted, closed, timed out, requested by API). */
export interface NoticeEvent extends ConversationRef {
  text: string;
  turnId: string;
  reason: 'handoff-requested' | 'handoff-accepted' | 'handoff-closed' | 'handoff-timeout';
}

/**
 * The conversation log or the reply generator failed. The user was already told
 * (a retry notice); this is for the operator: alerting, metrics, a health check.
 */
export interface EngineErrorEvent {
  source: 'store' | 'generator';
  /** Coded: a store's own code (`colloquy_storage_write_failed`), else `colloquy_engine_store_failed`/`colloquy_engine_generator_failed` with the original as `cause`. */
  error: ColloquyError;
  /** The conversation it happened in, when there is one. */
  conversationId?: string;
  channel?: string;
}

/** The hooks extensions and adapters subscribe to with `engine.on(event, handler)`. */
export interface EngineEvents {
  message: ReceivedMessageEvent;
  reply: ReplyEvent;
  fallback: FallbackEvent;
  handoff: HandoffEvent;
  feedback: FeedbackEvent;
  'agent-message': AgentMessageEvent;
  notice: NoticeEvent;
  error: EngineErrorEvent;
}

export type EngineEventName = keyof EngineEvents;
export type EngineEventHandler<E extends EngineEventName> = (payload: EngineEvents[E]) => void | Promise<void>;

export interface FeedbackInput {
  conversationId: string;
  turnId: string;
  value: 'up' | 'down';
  userId?: string;
}

/** The agents' side of a hand-off. */
export interface AgentDesk {
  /** An agent takes the conversation: the bot goes silent and the user is told. */
  accept(conversationId: string, agentId: string): Promise<HandoffInfo>;
  /** Logs an agent turn and emits `agent-message` for the adapter to deliver. */
  send(conversationId: string, agentId: string, text: string): Promise<{ turnId: string }>;
  /** Ends the hand-off (no-op when none is active): the user is told and the bot answers again. */
  close(conversationId: string): Promise<HandoffInfo>;
  /**
   * Says people answer hand-offs for the conversations of `channel` (of every
   * channel when omitted): an agents desk calls it when it starts. Until one
   * has, a user asking for a person is told none can take over and how else to
   * reach the business (`contactText`), and the bot keeps answering. Returns
   * the function that takes the people away again.
   *
   * @example
   * const leave = engine.agent.join('slack'); // the Slack agents channel is set
   */
  join(channel?: string): () => void;
}

/** Channel state through the engine (see `ConversationStore.getChannelState`). */
export interface ChannelState {
  get(key: string): Promise<unknown | undefined>;
  set(key: string, value: unknown, options?: ChannelStateOptions): Promise<void>;
}

/** The conversation engine: one entry point for every channel. */
export interface Engine {
  readonly options: EngineOptions;
  handle(message: InboundMessage): Promise<EngineReply>;
  /** Stores thumbs up/down on a bot or agent turn (the last value wins). */
  feedback(input: FeedbackInput): Promise<void>;
  readonly agent: AgentDesk;
  /** Asks for a human on the engine's own initiative (an extension, the admin). No-op when one is already asked or present. */
  requestHandoff(conversationId: string, reason?: HandoffInfo['reason']): Promise<HandoffInfo>;
  /** Subscribes to a hook for every conversation (extensions, metrics); returns the unsubscribe function. A handler that throws is logged, never fatal. */
  on<E extends EngineEventName>(event: E, handler: EngineEventHandler<E>): () => void;
  /**
   * A channel's subscription: `handlers` hear the events of the conversations
   * logged under `channel` only (agent messages and notices to deliver,
   * hand-offs to announce). Returns the disconnect function.
   *
   * @example
   * const off = engine.connect('slack', { 'agent-message': (e) => post(e.conversationId, e.text), notice: (e) => post(e.conversationId, e.text) });
   */
  connect(channel: string, handlers: ChannelHandlers): () => void;
  /**
   * Every event of one conversation as `{ event, payload }` (a live view of it, such
   * as the web widget's event stream). Returns the unsubscribe function.
   */
  watch(conversationId: string, listener: ConversationListener): () => void;
  /** A page of the conversation's logged turns, oldest first (no turns for an unknown conversation). */
  history(conversationId: string, query?: HistoryQuery): Promise<HistoryPage>;
  /**
   * Small state a channel keeps in the conversation store, so it survives
   * restarts and every instance sees it (Slack message → turn, hand-off
   * announcements). Keys are the channel's own; prefix them with its name.
   *
   * @example
   * await engine.channelState.set(`slack:turn:${channel}:${ts}`, { conversationId, turnId }, { ttlMs: 7 * 86_400_000 });
   */
  readonly channelState: ChannelState;
  /** Times out hand-off requests nobody accepted (the engine also does this on a timer). */
  tick(): Promise<void>;
  /** Waits for work in flight and stops the timer. The store and generator stay open: they are yours. */
  close(): Promise<void>;
}

/** The events of one conversation (`error` is the operator's, through `engine.on`). */
export type ConversationEventName = Exclude<EngineEventName, 'error'>;

/** The events a channel is handed for its own conversations (all carry `channel` and `conversationId`). */
export type ChannelEventName = Exclude<ConversationEventName, 'feedback'>;

/** What a channel handles, by event name; leave out what it does not care about. */
export type ChannelHandlers = { [E in ChannelEventName]?: (payload: EngineEvents[E]) => void | Promise<void> };

/** One event of a watched conversation, as `{ event, payload }`. */
export type ConversationEvent = { [E in ConversationEventName]: { event: E; payload: EngineEvents[E] } }[ConversationEventName];

export type ConversationListener = (event: ConversationEvent) => void | Promise<void>;

/**
 * The toy platform: chat rooms that live in this process. People post into a
 * room and react to messages; a bot connected to the room hears both and
 * posts messages to a person (as an answer to one of theirs, or on its own).
 */
export interface ToyMessage {
  id: string;
  from: string;
  to?: string;
  text: string;
  /** The message this one answers (bot answers only). */
  replyTo?: string;
}

export interface ToyReaction {
  user: string;
  messageId: string;
  emoji: string;
}

export interface ToyRoom {
  readonly name: string;
  /** A person writes; returns the message id. */
  post(from: string, text: string): string;
  react(user: string, messageId: string, emoji: string): void;
  /** The bot writes to `to`. */
  send(to: string, text: string, replyTo?: string): string;
  /** Everything the bot wrote to `user`, oldest first. */
  messagesTo(user: string): ToyMessage[];
  /** Bot side: hears people's messages and reactions; returns the unsubscribe function. */
  listen(handlers: { message(m: ToyMessage): void; reaction(r: ToyReaction): void }): () => void;
  /** Calls `check` after every change until it returns something truthy (or times out). */
  until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T>;
}

const rooms = new Map<string, ToyRoom>();

/** The room called `name`, made on first use. */
export function openRoom(name: string): ToyRoom {
  const existing = rooms.get(name);
  if (existing) return existing;
  let next = 0;
  const sent: ToyMessage[] = [];
  const listeners = new Set<{ message(m: ToyMessage): void; reaction(r: ToyReaction): void }>();
  const watchers = new Set<() => void>();
  const changed = () => watchers.forEach((w) => w());
  const room: ToyRoom = {
    name,
    post(from, text) {
      const m = { id: `m${++next}`, from, text };
      listeners.forEach((l) => l.message(m));
      return m.id;
    },
    react(user, messageId, emoji) {
      listeners.forEach((l) => l.reaction({ user, messageId, emoji }));
    },
    send(to, text, replyTo) {
      const m: ToyMessage = { id: `m${++next}`, from: 'bot', to, text, ...(replyTo ? { replyTo } : {}) };
      sent.push(m);
      changed();
      return m.id;
    },
    messagesTo: (user) => sent.filter((m) => m.to === user),
    listen(handlers) {
      listeners.add(handlers);
      return () => void listeners.delete(handlers);
    },
    until(check, timeoutMs, what) {
      return new Promise((resolve, reject) => {
        const test = () => {
          const value = check();
          if (!value) return false;
          watchers.delete(test);
          clearTimeout(timer);
          resolve(value);
          return true;
        };
        const timer = setTimeout(() => {
          watchers.delete(test);
          reject(new Error(`toy room: no ${what} within ${timeoutMs} ms`));
        }, timeoutMs);
        if (!test()) watchers.add(test);
      });
    },
  };
  rooms.set(name, room);
  return room;
}

/** Forgets a room (each test uses its own). */
export function closeRoom(name: string): void {
  rooms.delete(name);
}

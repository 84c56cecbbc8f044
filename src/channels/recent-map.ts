/**
 * A map that forgets: at most `max` entries, each for `ttlMs` after it was
 * last set; the least recently set go first. Memory stays bounded however
 * long the adapter runs (event ids seen, bot messages to their turns).
 */
export interface RecentMap<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  delete(key: string): void;
  /** Records `key` and tells whether it was already there (and fresh): the dedupe check. */
  seen(key: string, value: V): boolean;
  readonly size: number;
}

export interface RecentMapOptions {
  max: number;
  ttlMs: number;
  now?: () => number;
}

export function createRecentMap<V>({ max, ttlMs, now = Date.now }: RecentMapOptions): RecentMap<V> {
  const entries = new Map<string, { value: V; expiresAt: number }>();
  const fresh = (key: string) => {
    const e = entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt > now()) return e;
    entries.delete(key);
    return undefined;
  };
  const set = (key: string, value: V) => {
    entries.delete(key); // re-insert: Map order is the eviction order
    entries.set(key, { value, expiresAt: now() + ttlMs });
    while (entries.size > max) entries.delete(entries.keys().next().value as string);
  };
  return {
    get: (key) => fresh(key)?.value,
    set,
    delete: (key) => void entries.delete(key),
    seen(key, value) {
      if (fresh(key)) return true;
      set(key, value);
      return false;
    },
    get size() {
      return entries.size;
    },
  };
}

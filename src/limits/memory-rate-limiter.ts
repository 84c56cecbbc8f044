import { secondsUntilToken, type RateLimit, type RateLimiter } from './rate-limiter.ts';

/**
 * An in-memory token bucket per key (IP, conversation): the limits of one
 * process. Full, idle buckets are swept every minute so the map does not grow
 * without bound.
 *
 * @example
 * const perIp = createMemoryRateLimiter({ burst: 60, perMinute: 60 });
 * const wait = await perIp.take(req.ip); // 0 → go ahead
 */
export function createMemoryRateLimiter({ burst, perMinute }: RateLimit, now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = perMinute / 60_000;
  const refill = (b: { tokens: number; at: number }, t: number) => {
    b.tokens = Math.min(burst, b.tokens + (t - b.at) * perMs);
    b.at = t;
  };
  const timer = setInterval(() => {
    const t = now();
    for (const [key, b] of buckets) {
      refill(b, t);
      if (b.tokens >= burst) buckets.delete(key);
    }
  }, 60_000);
  timer.unref();
  return {
    async take(key) {
      const t = now();
      let b = buckets.get(key);
      if (!b) buckets.set(key, (b = { tokens: burst, at: t }));
      else refill(b, t);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return secondsUntilToken(b.tokens, perMs);
    },
    close: () => clearInterval(timer),
  };
}

import { silentLogger, type Logger } from '../logger.ts';
import { withDeadline, type RedisConnection } from '../cluster/redis.ts';
import { CLOSED_RETRY_SECONDS, type LimitsWhenDown, type RateLimit, type RateLimiter, type RateLimiterFactory } from './rate-limiter.ts';

/**
 * The token bucket as one Lua script, so taking a token is atomic across
 * instances. The clock is Redis's own (TIME): instances whose clocks differ
 * still refill the same bucket at the same rate. An idle bucket expires once
 * it would be full again.
 * KEYS[1] bucket; ARGV burst, tokens per ms. Returns 0 or the seconds to wait.
 */
const TAKE_SCRIPT = `
local burst = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local held = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(held[1])
if tokens == nil then
  tokens = burst
else
  tokens = math.min(burst, tokens + math.max(0, now - tonumber(held[2])) * perMs)
end
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
elseif perMs > 0 then
  wait = math.max(1, math.ceil((1 - tokens) / perMs / 1000))
else
  wait = 3600
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
local ttl = 3600000
if perMs > 0 then ttl = math.ceil(burst / perMs) + 1000 end
redis.call('PEXPIRE', KEYS[1], ttl)
return wait
`;

export interface RedisRateLimitersOptions {
  redis: RedisConnection;
  /** Prefix of every key (COLLOQUY_REDIS_PREFIX), so several bots can share one Redis. */
  prefix: string;
  /** While Redis is unreachable: `open` lets requests through, `closed` answers 429 (COLLOQUY_LIMITS_WHEN_REDIS_DOWN). */
  whenDown: LimitsWhenDown;
  logger?: Logger;
  /**
   * How long one take may wait for a connected Redis before it counts as down
   * (ms; default 2,000). Not shorter: while a reply is generated the event loop
   * is busy for a while, and Redis's answer is read late, not missing. A
   * Redis that is not connected fails at once.
   */
  deadlineMs?: number;
}

/**
 * Rate limiters whose buckets live in Redis, shared by every instance using
 * the same Redis and prefix. Redis down or slow: the request is let through
 * or refused as `whenDown` says, logged once per outage; replies keep working.
 *
 * @example
 * const limiters = redisRateLimiters({ redis, prefix: 'colloquy:', whenDown: 'open' });
 * const perIp = limiters({ burst: 60, perMinute: 60 }, 'ip');
 */
export function redisRateLimiters({ redis, prefix, whenDown, logger = silentLogger, deadlineMs = 2_000 }: RedisRateLimitersOptions): RateLimiterFactory {
  let failing = false;
  const failed = (err: unknown): number => {
    if (!failing) logger.warn(`rate limits cannot reach Redis; failing ${whenDown} until it is back`, { error: (err as Error)?.message ?? String(err) });
    failing = true;
    return whenDown === 'open' ? 0 : CLOSED_RETRY_SECONDS;
  };
  return ({ burst, perMinute }: RateLimit, name: string): RateLimiter => ({
    async take(key) {
      try {
        if (!redis.isReady) throw new Error('Redis is not connected');
        const wait = await withDeadline(redis.eval(TAKE_SCRIPT, { keys: [`${prefix}rate:${name}:${key}`], arguments: [String(burst), String(perMinute / 60_000)] }), deadlineMs);
        if (failing) logger.info('rate limits reach Redis again');
        failing = false;
        return Number(wait);
      } catch (err) {
        return failed(err);
      }
    },
    close() {},
  });
}

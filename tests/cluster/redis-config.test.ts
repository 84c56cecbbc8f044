import { describe, expect, it } from 'vitest';
import { readEnvConfig } from '../../src/config.ts';
import { isColloquyError } from '../../src/errors.ts';

describe('Redis settings (COLLOQUY_REDIS_URL)', () => {
  it('absent: limits and live events stay in memory', () => {
    expect(readEnvConfig({}).redis).toBeUndefined();
  });

  it('reads the URL, the key prefix and what limits do while Redis is down', () => {
    expect(readEnvConfig({ COLLOQUY_REDIS_URL: 'redis://10.0.0.5:6379' }).redis).toEqual({ url: 'redis://10.0.0.5:6379', prefix: 'colloquy:', limitsWhenDown: 'open' });
    expect(readEnvConfig({ COLLOQUY_REDIS_URL: 'rediss://r.example:6380', COLLOQUY_REDIS_PREFIX: 'shop:', COLLOQUY_LIMITS_WHEN_REDIS_DOWN: 'closed' }).redis).toEqual({ url: 'rediss://r.example:6380', prefix: 'shop:', limitsWhenDown: 'closed' });
  });

  it('refuses a URL that is not redis:// and a policy that is not open or closed, naming the variable', () => {
    const thrown = (env: NodeJS.ProcessEnv) => {
      try {
        readEnvConfig(env);
      } catch (err) {
        return err;
      }
      return undefined;
    };
    const badUrl = thrown({ COLLOQUY_REDIS_URL: 'http://127.0.0.1:6379' });
    expect(isColloquyError(badUrl, 'config_invalid') && badUrl.message).toMatch(/COLLOQUY_REDIS_URL must be a redis:\/\//);
    const badPolicy = thrown({ COLLOQUY_REDIS_URL: 'redis://127.0.0.1', COLLOQUY_LIMITS_WHEN_REDIS_DOWN: 'maybe' });
    expect(isColloquyError(badPolicy, 'config_invalid') && badPolicy.message).toMatch(/COLLOQUY_LIMITS_WHEN_REDIS_DOWN must be "open" or "closed"/);
  });

  it('names the instance by COLLOQUY_INSTANCE_ID, else host and pid', () => {
    expect(readEnvConfig({ COLLOQUY_INSTANCE_ID: 'web-2' }).instanceId).toBe('web-2');
    expect(readEnvConfig({}).instanceId).toMatch(new RegExp(`-${process.pid}$`));
  });
});

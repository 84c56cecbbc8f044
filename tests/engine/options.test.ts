import { describe, expect, it } from 'vitest';
import { DEFAULT_ENGINE_OPTIONS, resolveEngineOptions } from '../../src/engine/options.ts';
import { isColloquyError } from '../../src/errors.ts';

const refusal = (input: unknown) => {
  try {
    resolveEngineOptions(input as never);
  } catch (err) {
    return err;
  }
  return undefined;
};

describe('resolveEngineOptions', () => {
  it('fills every key with its default', () => {
    const o = resolveEngineOptions();

    expect(o).toMatchObject({ sessionIdleMinutes: 30, maxMessageChars: 4000, maxConsecutiveFallbacks: 2, fallbackText: "Sorry, I didn't catch that — could you rephrase?" });
    expect(o.commands).toEqual(DEFAULT_ENGINE_OPTIONS.commands);
    expect(o.helpText).toContain('/agent');
  });

  it('merges commands and messages key by key', () => {
    const o = resolveEngineOptions({ commands: { agent: '/human' }, messages: { reset: 'Fresh start!' } });

    expect(o.commands).toEqual({ ...DEFAULT_ENGINE_OPTIONS.commands, agent: '/human' });
    expect(o.messages.reset).toBe('Fresh start!');
    expect(o.messages.empty).toBe(DEFAULT_ENGINE_OPTIONS.messages.empty);
    expect(o.helpText).toContain('/human');
  });

  it('refuses unknown keys, naming them', () => {
    const top = refusal({ sessionIdle: 10 });
    const nested = refusal({ messages: { greeting: 'hi' } });

    expect(isColloquyError(top, 'engine_options_invalid')).toBe(true);
    expect((top as Error).message).toContain('sessionIdle');
    expect((nested as Error).message).toContain('greeting');
  });

  it('refuses values that make no sense', () => {
    expect((refusal({ maxMessageChars: 0 }) as Error).message).toContain('maxMessageChars');
    expect((refusal({ sessionIdleMinutes: -1 }) as Error).message).toContain('sessionIdleMinutes');
    expect((refusal({ confidenceThreshold: 0.5 }) as Error).message).toContain('confidenceThreshold');
    expect((refusal({ commands: { reset: 'start over' } }) as Error).message).toContain('commands.reset');
    expect((refusal({ commands: { reset: '/help' } }) as Error).message).toContain('differ');
    expect((refusal({ fallbackText: ' ' }) as Error).message).toContain('fallbackText');
  });
});

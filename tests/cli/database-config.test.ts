import { describe, expect, it } from 'vitest';
import { readEnvConfig } from '../../src/config.ts';

describe('database settings', () => {
  it('are absent without COLLOQUY_DATABASE_URL: conversations stay in lowdb files', () => {
    expect(readEnvConfig({}).database).toBeUndefined();
  });

  it('read the URL and schema, the schema defaulting to colloquy', () => {
    expect(readEnvConfig({ COLLOQUY_DATABASE_URL: 'postgres://u@db:5432/x' }).database).toEqual({ url: 'postgres://u@db:5432/x', schema: 'colloquy' });
    expect(readEnvConfig({ COLLOQUY_DATABASE_URL: 'postgresql://u@db/x', COLLOQUY_DATABASE_SCHEMA: 'bot_2' }).database?.schema).toBe('bot_2');
  });

  it('refuse a URL that is not postgres:// without echoing it (it may hold a password)', () => {
    expect(() => readEnvConfig({ COLLOQUY_DATABASE_URL: 'mysql://u:hunter2@db/x' })).toThrow(/COLLOQUY_DATABASE_URL must be a postgres:\/\/ URL$/);
  });

  it('refuse a schema name that would need quoting, and a schema without a URL', () => {
    expect(() => readEnvConfig({ COLLOQUY_DATABASE_URL: 'postgres://db/x', COLLOQUY_DATABASE_SCHEMA: 'Bot; DROP' })).toThrow(/COLLOQUY_DATABASE_SCHEMA must be/);
    expect(() => readEnvConfig({ COLLOQUY_DATABASE_SCHEMA: 'bot' })).toThrow(/COLLOQUY_DATABASE_URL is not/);
  });
});

/**
 * Issue 17 #1 end to end: `colloquy delete-user` while `colloquy serve` runs
 * and the user keeps writing (scripts/delete-while-serving.ts). The baseline
 * (a second store deleting behind the server's back, as the library did)
 * shows that the counts do find what is left.
 */
import { describe, expect, it } from 'vitest';
import { runDeleteWhileServing } from '../../scripts/delete-while-serving.ts';

describe('deleting a user while the server runs', () => {
  it('leaves no file, temp file, index line or served turn of the user; other users keep everything', async () => {
    const r = await runDeleteWhileServing({ users: 3, messages: 2 });
    expect(r.cliOutput).toMatch(/^removed 1 conversation, \d+ turns, 1 temp file, .*through the running server/);
    expect(r.throughServer).toEqual({ files: 0, tempFiles: 0, indexLines: 0, servedTurns: 0 });
    expect(r.behindServer.servedTurns).toBeGreaterThan(0); // the old way is undone by the user's next message
    expect(r.othersTurns.after).toBe(r.othersTurns.before);
  }, 240_000);
});

/** The conformance kit on the terminal channel (interactive chat over in-memory streams). */
import { runConformanceKit } from './kit.ts';
import { createTerminalDriver } from './terminal-driver.ts';

runConformanceKit('terminal', () => createTerminalDriver(), {
  // a blank line shows a new prompt: it never reaches the bot
  emptyInput: 'ignored',
  unsupported: { feedback: 'the terminal chat has no way to rate a reply' },
});

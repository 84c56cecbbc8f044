/** A process that takes part in a leader election and says when it leads: `leader <role>` on stdout. */
import { startLeaderElection } from '../../src/cluster/leader.ts';

const [url, schema, role] = process.argv.slice(2) as [string, string, string];
startLeaderElection({ database: { url, schema }, role, retryMs: 200, onElected: () => process.stdout.write(`leader ${role}\n`), onDemoted: () => process.stdout.write(`demoted ${role}\n`) });
process.stdout.write('started\n');
setInterval(() => undefined, 1 << 30);

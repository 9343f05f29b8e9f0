/**
 * The virtctl binary (also installed as the kubectl plugin `kubectl-virt`): runs the command
 * tree against the real process and exits with its code.
 */
import { runVirtctl } from '../virtctl/cli.js';
import { processContext } from '../virtctl/context.js';

const code = await runVirtctl(process.argv.slice(2), processContext());
process.exitCode = code;
// long-lived handles (stdin, sockets) must not keep a finished command alive
setImmediate(() => process.exit(code));

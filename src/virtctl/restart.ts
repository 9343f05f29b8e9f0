/**
 * `virtctl restart VM [--grace-period N --force] [--dry-run]`: PUT .../virtualmachines/VM/restart
 * with RestartOptions (`gracePeriodSeconds`).
 */
import type { Command } from 'commander';
import type { ApiRequest, CommandContext } from './api.js';
import { dryRunField } from './flags.js';
import { subresourcePath } from './paths.js';
import { forcedGracePeriod, registerForcedVmAction, type ForceFlags } from './stop.js';

/** The restart request: `{}`, `{"gracePeriodSeconds":N}` and/or `{"dryRun":["All"]}`. */
export function restartRequest(namespace: string, name: string, flags: ForceFlags): ApiRequest {
  const grace = forcedGracePeriod(flags);
  return {
    method: 'PUT',
    path: subresourcePath('vm', namespace, name, 'restart'),
    body: { ...(grace !== undefined ? { gracePeriodSeconds: grace } : {}), ...dryRunField(flags.dryRun) },
  };
}

/** Adds `restart` to the CLI. */
export function registerRestart(program: Command, ctx: CommandContext): void {
  registerForcedVmAction(program, ctx, {
    verb: 'restart',
    description: 'Restart a virtual machine.',
    request: restartRequest,
    failure: (forced) => (forced ? 'error force restarting VirtualMachine: ' : 'error restarting VirtualMachine: '),
  });
}

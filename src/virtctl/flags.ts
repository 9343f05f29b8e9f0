/**
 * Small helpers shared by command modules: integer flag parsing, the global flags a command
 * inherits, upstream's dry-run option, and the `--flag=true|false` spelling cobra accepts.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { CommandContext, GlobalOptions, Session } from './api.js';

/** A commander argument parser accepting integers in [min, max]. */
export function intArg(min: number, max: number = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`invalid argument "${v}": must be an integer from ${min} to ${max}`);
    return n;
  };
}

/** A repeatable string flag (cobra StringArray): each use appends. */
export function collect(v: string, prev: readonly string[] | undefined): string[] {
  return [...(prev ?? []), v];
}

/** A repeatable comma-separated flag (cobra StringSlice). */
export function collectCsv(v: string, prev: readonly string[] | undefined): string[] {
  return [...(prev ?? []), ...v.split(',').filter((s) => s !== '')];
}

/** The --kubeconfig/--namespace/--context values in effect for a command. */
export function globalsOf(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals<{ kubeconfig?: string; namespace?: string; context?: string }>();
  return { kubeconfig: o.kubeconfig, namespace: o.namespace, context: o.context };
}

/** Upstream's dryRun field: `["All"]` when --dry-run is set, absent otherwise. */
export function dryRunField(dryRun: boolean | undefined): { dryRun?: string[] } {
  return dryRun ? { dryRun: ['All'] } : {};
}

/** Upstream prints this line before any dry-run request. */
export const DRY_RUN_NOTICE = 'Dry Run execution\n';

/** Long names of the boolean flags of a command tree (no value), `--no-x` negations included. */
export function booleanFlags(root: Command): Set<string> {
  const out = new Set<string>();
  const walk = (c: Command): void => {
    for (const o of c.options) if (!o.required && !o.optional && o.long) out.add(o.long);
    c.commands.forEach(walk);
  };
  walk(root);
  return out;
}

/** Rewrites cobra's `--flag=true` to `--flag`, and `--flag=false` to `--no-flag` (or nothing). */
export function normalizeBooleanFlags(argv: readonly string[], booleans: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const m = /^(--[^=]+)=(true|false)$/i.exec(a);
    if (m && booleans.has(m[1]!)) {
      const negation = `--no-${m[1]!.slice(2)}`;
      if (m[2]!.toLowerCase() === 'true') out.push(m[1]!);
      else if (booleans.has(negation)) out.push(negation);
      continue;
    }
    out.push(a);
  }
  return out;
}

/** Connects with the command's global flags, runs fn, and always releases the connection. */
export async function withSession<T>(ctx: CommandContext, cmd: Command, fn: (s: Session) => Promise<T>): Promise<T> {
  const s = await ctx.connect(globalsOf(cmd));
  try {
    return await fn(s);
  } finally {
    await s.api.close();
  }
}

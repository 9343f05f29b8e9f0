/**
 * `virtctl version [-c]`: the client's version and the server's, the latter from
 * GET /apis/subresources.kubevirt.io (preferred version) then GET /apis/<group>/<version>/version,
 * printed in upstream's `version.Info{GitVersion:"...", ...}` form.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Api, CommandContext } from './api.js';
import { withSession } from './flags.js';
import { SUBRESOURCE_GROUP, SUBRESOURCE_VERSION } from './paths.js';

/** KubeVirt's version.Info, as /version returns it. */
export interface VersionInfo {
  readonly gitVersion?: string;
  readonly gitCommit?: string;
  readonly gitTreeState?: string;
  readonly buildDate?: string;
  readonly goVersion?: string;
  readonly compiler?: string;
  readonly platform?: string;
}

const FIELDS: readonly [keyof VersionInfo, string][] = [
  ['gitVersion', 'GitVersion'],
  ['gitCommit', 'GitCommit'],
  ['gitTreeState', 'GitTreeState'],
  ['buildDate', 'BuildDate'],
  ['goVersion', 'GoVersion'],
  ['compiler', 'Compiler'],
  ['platform', 'Platform'],
];

/** Formats a version as Go's %#v of version.Info prints it. */
export function formatVersionInfo(v: VersionInfo): string {
  return `version.Info{${FIELDS.map(([k, label]) => `${label}:${JSON.stringify(v[k] ?? '')}`).join(', ')}}`;
}

/** This client's version: the package version, the Node runtime, the platform. */
export function clientVersion(): VersionInfo {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return {
    gitVersion: `v${pkg.version ?? '0.0.0'}`,
    gitCommit: '',
    gitTreeState: '',
    buildDate: '',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

/** The server's version: asks the group for its preferred version first, as upstream's client does. */
export async function serverVersion(api: Api): Promise<VersionInfo> {
  let groupVersion = `${SUBRESOURCE_GROUP}/${SUBRESOURCE_VERSION}`;
  try {
    const group = await api.json<{ preferredVersion?: { groupVersion?: string } }>({ method: 'GET', path: `/apis/${SUBRESOURCE_GROUP}` });
    if (group?.preferredVersion?.groupVersion) groupVersion = group.preferredVersion.groupVersion;
  } catch {
    // an aggregated server may not serve group discovery: fall back to v1
  }
  return api.json<VersionInfo>({ method: 'GET', path: `/apis/${groupVersion}/version` });
}

/** Adds `version` to the CLI. */
export function registerVersion(program: Command, ctx: CommandContext): void {
  program
    .command('version')
    .description('Print the client and server version information.')
    .option('-c, --client', 'client version only (no server required)')
    .addHelpText('after', `\nExamples:\n  # Print the client and server versions for the current context:\n  ${ctx.programName} version\n`)
    .action(async (flags: { client?: boolean }, cmd: Command) => {
      ctx.term.stdout.write(`Client Version: ${formatVersionInfo(clientVersion())}\n`);
      if (flags.client) return;
      const server = await withSession(ctx, cmd, (s) => serverVersion(s.api));
      ctx.term.stdout.write(`Server Version: ${formatVersionInfo(server)}\n`);
    });
}

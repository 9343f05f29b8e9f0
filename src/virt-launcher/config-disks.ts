/**
 * configMap, secret, serviceAccount and downwardAPI volumes as ISO disks, as upstream's
 * pkg/config does: the files Kubernetes mounted into the pod (configMap/secret/downwardAPI under
 * /var/run/kubevirt-private/<kind>/<volume>, the service account's token where every pod gets it)
 * packed with xorriso (Joliet + Rock Ridge, symlinks followed), labelled with the volume's
 * `volumeLabel` or upstream's default `cfgdata`. Only volumes a disk uses get an ISO.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { VirtualMachineInstance, Volume } from '../api/kubevirt/index.js';
import { LauncherError } from '../launcher-rpc/index.js';
import type { DiskSource } from './converter/context.js';
import { run } from './exec.js';

/** Upstream's label when a volume names none. */
export const DEFAULT_CONFIG_LABEL = 'cfgdata';
/** Where the launcher pod's config volumes are mounted (upstream's mountBaseDir). */
export const CONFIG_VOLUME_ROOT = '/var/run/kubevirt-private';
/** Where Kubernetes mounts the pod's service account token. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Where the mounted files are; the defaults are upstream's paths inside the launcher pod. */
export interface ConfigDiskInputs {
  readonly privateDir: string;
  readonly configVolumeRoot?: string;
  readonly serviceAccountDir?: string;
}

/** One config volume's ISO: which mounted directory, which label, which field names it in errors. */
export interface ConfigDiskPlan {
  readonly field: string;
  readonly sourceDir: string;
  readonly label: string;
}

/** The ISO plan for volume `v` (the `index`th), or undefined when it is not a config volume. */
export function configDiskPlan(v: Volume, index: number, inp: Omit<ConfigDiskInputs, 'privateDir'>): ConfigDiskPlan | undefined {
  const root = inp.configVolumeRoot ?? CONFIG_VOLUME_ROOT;
  const field = `volumes[${index}]`;
  if (v.configMap) return { field: `${field}.configMap`, sourceDir: join(root, 'config-map', v.name), label: v.configMap.volumeLabel || DEFAULT_CONFIG_LABEL };
  if (v.secret) return { field: `${field}.secret`, sourceDir: join(root, 'secret', v.name), label: v.secret.volumeLabel || DEFAULT_CONFIG_LABEL };
  if (v.downwardAPI) return { field: `${field}.downwardAPI`, sourceDir: join(root, 'downwardapi', v.name), label: v.downwardAPI.volumeLabel || DEFAULT_CONFIG_LABEL };
  if (v.serviceAccount) return { field: `${field}.serviceAccount`, sourceDir: inp.serviceAccountDir ?? SERVICE_ACCOUNT_DIR, label: DEFAULT_CONFIG_LABEL };
  return undefined;
}

/**
 * xorriso graft points `name=path` for the entries of a mounted volume directory, sorted. The
 * atomic writer's internals (`..data`, `..<timestamp>`) are left out: the visible names are
 * symlinks into them, which -follow-links resolves.
 */
export function graftPoints(dir: string, entries: readonly string[]): string[] {
  return entries.filter((e) => !e.startsWith('..')).sort().map((e) => `${e.replaceAll('\\', '\\\\').replaceAll('=', '\\=')}=${join(dir, e)}`);
}

/** The xorriso argv (mkisofs emulation) that writes `out` with `label` from `grafts`. */
export function isoArgs(out: string, label: string, grafts: readonly string[]): string[] {
  return ['-as', 'mkisofs', '-output', out, '-follow-links', '-volid', label, '-joliet', '-rock', '-graft-points', '-partition_cyl_align', 'on', ...grafts];
}

async function buildConfigIso(plan: ConfigDiskPlan, out: string): Promise<void> {
  if (!existsSync(plan.sourceDir) || !statSync(plan.sourceDir).isDirectory()) {
    throw new LauncherError('SyncFailed', 'DiskNotFound', `${plan.field}: the volume's files are not mounted at ${plan.sourceDir}`);
  }
  const staging = `${out}.staging`;
  rmSync(staging, { force: true });
  await run('xorriso', isoArgs(staging, plan.label, graftPoints(plan.sourceDir, readdirSync(plan.sourceDir))));
  renameSync(staging, out);
}

/** Builds the ISO of every config volume a disk uses, under `<privateDir>/config-disks/`. */
export async function prepareConfigDisks(vmi: VirtualMachineInstance, inp: ConfigDiskInputs): Promise<Record<string, DiskSource>> {
  const used = new Set((vmi.spec.domain.devices.disks ?? []).map((d) => d.name));
  const dir = join(inp.privateDir, 'config-disks');
  const out: Record<string, DiskSource> = {};
  for (const [index, v] of (vmi.spec.volumes ?? []).entries()) {
    const plan = used.has(v.name) ? configDiskPlan(v, index, inp) : undefined;
    if (!plan) continue;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const iso = join(dir, `${v.name}.iso`);
    await buildConfigIso(plan, iso);
    out[v.name] = { type: 'file', path: iso, format: 'raw' };
  }
  return out;
}

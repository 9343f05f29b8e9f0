/**
 * `virtctl create vm [flags]`: prints a VirtualMachine manifest built from flags, as upstream's
 * `create vm` does (same flag names and param syntax, same defaults: RunStrategy Always,
 * terminationGracePeriodSeconds 180, guest memory 512Mi, instancetype/preference inferred from
 * the boot volume when it can be, a generated #cloud-config for --user/--ssh-key/--password-file).
 * Output is YAML with keys sorted, as sigs.k8s.io/yaml writes it. Nothing is sent to the cluster.
 */
import { randomInt } from 'node:crypto';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { CommandContext, JsonObject as Obj } from './api.js';
import { VirtctlError } from './errors.js';
import { collect, collectCsv, globalsOf, intArg } from './flags.js';
import { flagError, parseQuantity, splitPrefixedName } from './params.js';
import { addContainerdisks, addImports, addPvcs, templateSpec, validToInferFrom, volumeShouldNotExist, type VmDraft } from './create-vm-volumes.js';

export interface CreateVmFlags {
  readonly name?: string;
  readonly runStrategy?: string;
  readonly terminationGracePeriod?: number;
  readonly memory?: string;
  readonly instancetype?: string;
  readonly inferInstancetype?: boolean;
  readonly inferInstancetypeFrom?: string;
  readonly preference?: string;
  readonly inferPreference?: boolean;
  readonly inferPreferenceFrom?: string;
  readonly volumeContainerdisk?: readonly string[];
  readonly volumePvc?: readonly string[];
  readonly volumeImport?: readonly string[];
  readonly user?: string;
  readonly passwordFile?: string;
  readonly sshKey?: readonly string[];
  readonly gaManageSsh?: boolean;
  readonly cloudInit?: string;
  readonly cloudInitUserData?: string;
  readonly cloudInitNetworkData?: string;
}

/** What buildVm needs besides flags: the namespace (only when -n was given), file contents, randomness. */
export interface CreateVmInputs {
  readonly flags: CreateVmFlags;
  readonly namespace?: string;
  /** Contents of --password-file. */
  readonly password?: string;
  readonly randomSuffix: () => string;
}

const RUN_STRATEGIES = ['Always', 'Manual', 'Halted', 'Once', 'RerunOnFailure'];
const CLOUD_INIT_HEADER = '#cloud-config';
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** Five characters from Kubernetes' rand.String alphabet. */
export function randomSuffix(): string {
  return Array.from({ length: 5 }, () => ALPHANUMS[randomInt(ALPHANUMS.length)]).join('');
}

function mutuallyExclusive(group: readonly [string, unknown][]): void {
  const set = group.filter(([, v]) => v !== undefined).map(([k]) => k);
  if (set.length > 1) throw new VirtctlError(`if any flags in the group [${group.map(([k]) => k).join(' ')}] are set none of the others can be; [${[...set].sort().join(' ')}] were all set`);
}

function checkExclusions(f: CreateVmFlags): void {
  mutuallyExclusive([['memory', f.memory], ['instancetype', f.instancetype], ['infer-instancetype', f.inferInstancetype], ['infer-instancetype-from', f.inferInstancetypeFrom]]);
  mutuallyExclusive([['preference', f.preference], ['infer-preference', f.inferPreference], ['infer-preference-from', f.inferPreferenceFrom]]);
  for (const [k, v] of [['user', f.user], ['password-file', f.passwordFile], ['ssh-key', f.sshKey], ['ga-manage-ssh', f.gaManageSsh]] as const) {
    mutuallyExclusive([['cloud-init-user-data', f.cloudInitUserData], [k, v]]);
  }
}

function matcher(flag: string, value: string, kinds: readonly string[]): Obj {
  const { prefix, name } = splitPrefixedName(flag, value);
  const kind = prefix?.toLowerCase();
  if (kind !== undefined && !kinds.includes(kind)) throw flagError(flag, `invalid ${flag} kind "${prefix}", supported values are: ${kinds.join(', ')}`);
  return kind ? { kind, name } : { name };
}

/** The #cloud-config upstream generates from --user, --password-file, --ssh-key, --ga-manage-ssh. */
export function cloudConfig(f: CreateVmFlags, password: string | undefined): string {
  let config = CLOUD_INIT_HEADER;
  if (f.user) config += `\nuser: ${f.user}`;
  const pw = password?.trim();
  if (pw) config += `\npassword: ${pw}\nchpasswd: { expire: False }`;
  if (f.sshKey?.length) config += `\nssh_authorized_keys:${f.sshKey.map((k) => `\n  - ${k}`).join('')}`;
  if (f.gaManageSsh) config += "\nruncmd:\n  - [ setsebool, -P, 'virt_qemu_ga_manage_ssh', 'on' ]";
  return config;
}

function addCloudInit(d: VmDraft, f: CreateVmFlags, password: string | undefined): void {
  const changed = [f.user, f.passwordFile, f.sshKey, f.gaManageSsh, f.cloudInit, f.cloudInitUserData, f.cloudInitNetworkData].some((v) => v !== undefined);
  if (!changed) return;
  volumeShouldNotExist(d, 'cloud-init', 'cloudinitdisk');
  const type = (f.cloudInit ?? 'nocloud').toLowerCase();
  if (type === 'none') return;
  if (type !== 'nocloud' && type !== 'configdrive') throw flagError('cloud-init', `invalid cloud-init data source type "${f.cloudInit}", supported values are: nocloud, configdrive, none`);
  const src: Obj = {};
  if (f.cloudInitNetworkData) src.networkDataBase64 = f.cloudInitNetworkData;
  if (f.cloudInitUserData) src.userDataBase64 = f.cloudInitUserData;
  else src.userData = cloudConfig(f, password);
  // only the header and no network data: nothing worth a volume unless --cloud-init asked for one
  if (f.cloudInit === undefined && src.userData === CLOUD_INIT_HEADER && !src.networkDataBase64) return;
  const spec = templateSpec(d);
  spec.volumes ??= [];
  (spec.volumes as Obj[]).push({ [type === 'nocloud' ? 'cloudInitNoCloud' : 'cloudInitConfigDrive']: src, name: 'cloudinitdisk' });
}

/** The volume inference reads: the lowest boot order's disk, else the first volume. */
function inferenceVolume(d: VmDraft, explicit: string | undefined): Obj | undefined {
  const vols = (templateSpec(d).volumes as Obj[] | undefined) ?? [];
  const first = d.bootOrders.size > 0 ? d.bootOrders.get(Math.min(...d.bootOrders.keys())) : vols[0]?.name;
  const want = explicit ?? first;
  if (want === undefined) throw new VirtctlError('at least one volume is needed to infer an instance type or preference');
  const vol = vols.find((v) => v.name === want);
  if (!vol) throw new VirtctlError(`there is no volume with name "${want}"`);
  if (!validToInferFrom(d, vol)) throw new VirtctlError('inference of instancetype or preference works only with datasources, datavolumes or pvcs');
  return vol;
}

function infer(d: VmDraft, f: CreateVmFlags): void {
  const explicitIt = f.inferInstancetype !== undefined || f.inferInstancetypeFrom !== undefined;
  if ((f.inferInstancetype ?? true) && !f.instancetype && f.memory === undefined) {
    try {
      const vol = inferenceVolume(d, f.inferInstancetypeFrom);
      d.vm.spec.instancetype = { inferFromVolume: vol!.name };
      if (explicitIt) delete templateSpec(d).domain.memory;
      else d.vm.spec.instancetype.inferFromVolumeFailurePolicy = 'Ignore';
    } catch (err) {
      if (explicitIt) throw err;
    }
  }
  const explicitPref = f.inferPreference !== undefined || f.inferPreferenceFrom !== undefined;
  if ((f.inferPreference ?? true) && !f.preference) {
    try {
      const vol = inferenceVolume(d, f.inferPreferenceFrom);
      d.vm.spec.preference = { inferFromVolume: vol!.name, ...(explicitPref ? {} : { inferFromVolumeFailurePolicy: 'Ignore' }) };
    } catch (err) {
      if (explicitPref) throw err;
    }
  }
}

/** Builds the VirtualMachine object from flags (pure). */
export function buildVm(inputs: CreateVmInputs): Obj {
  const f = inputs.flags;
  checkExclusions(f);
  const name = f.name || `vm-${inputs.randomSuffix()}`;
  const memory = parseQuantity('memory', 'memory', f.memory ?? '512Mi');
  const vm: Obj = {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name, ...(inputs.namespace ? { namespace: inputs.namespace } : {}) },
    spec: {
      runStrategy: 'Always',
      template: { metadata: {}, spec: { domain: { devices: {}, memory: { guest: memory }, resources: {} }, terminationGracePeriodSeconds: f.terminationGracePeriod ?? 180 } },
    },
    status: {},
  };
  const d: VmDraft = { vm, bootOrders: new Map() };
  if (f.runStrategy !== undefined) {
    const rs = RUN_STRATEGIES.find((s) => s.toLowerCase() === f.runStrategy!.toLowerCase());
    if (!rs) throw flagError('run-strategy', `invalid run strategy "${f.runStrategy}", supported values are: ${RUN_STRATEGIES.join(', ')}`);
    vm.spec.runStrategy = rs;
  }
  if (f.instancetype !== undefined) {
    delete templateSpec(d).domain.memory;
    vm.spec.instancetype = matcher('instancetype', f.instancetype, ['virtualmachineinstancetype', 'virtualmachineclusterinstancetype']);
  }
  if (f.preference !== undefined) vm.spec.preference = matcher('preference', f.preference, ['virtualmachinepreference', 'virtualmachineclusterpreference']);
  addContainerdisks(d, f.volumeContainerdisk ?? []);
  addPvcs(d, f.volumePvc ?? []);
  addImports(d, f.volumeImport ?? [], inputs.randomSuffix);
  addCloudInit(d, f, inputs.password);
  infer(d, f);
  return vm;
}

/** YAML as sigs.k8s.io/yaml prints it: keys sorted, sequences not indented under their key. */
export function renderManifest(obj: Obj): string {
  return stringify(obj, { sortMapEntries: true, indentSeq: false, lineWidth: 0 });
}

/** Adds `create vm` to the CLI. */
export function registerCreate(program: Command, ctx: CommandContext): void {
  const create = program.command('create').description('Create a manifest for the specified Kind.');
  create
    .command('vm')
    .summary('Create a VirtualMachine manifest.')
    .description('Create a VirtualMachine manifest.\n\nIf no boot order was specified volumes have the following fixed boot order:\nContainerdisk > PVC > Imported volumes')
    .option('--name <name>', 'Specify the name of the VM.')
    .option('--run-strategy <strategy>', 'Specify the RunStrategy of the VM.')
    .option('--termination-grace-period <seconds>', 'Specify the termination grace period of the VM.', intArg(0))
    .option('--memory <quantity>', 'Specify the memory of the VM.')
    .option('--instancetype <[kind/]name>', 'Specify the Instance Type of the VM.')
    .option('--infer-instancetype', 'Infer the Instance Type of the VM from the first boot disk.')
    .option('--no-infer-instancetype', 'Do not infer the Instance Type.')
    .option('--infer-instancetype-from <volume>', 'Specify the volume to infer the Instance Type of the VM from.')
    .option('--preference <[kind/]name>', 'Specify the Preference of the VM.')
    .option('--infer-preference', 'Infer the Preference of the VM from the first boot disk.')
    .option('--no-infer-preference', 'Do not infer the Preference.')
    .option('--infer-preference-from <volume>', 'Specify the volume to infer the Preference of the VM from.')
    .option('--volume-containerdisk <params>', 'A containerdisk used by the VM (repeatable). Params: name:string,src:string,bootorder:uint', collect)
    .option('--volume-pvc <params>', 'A PVC used by the VM (repeatable). Params: name:string,src:string,bootorder:uint', collect)
    .option('--volume-import <params>', 'The source of a DataVolume (repeatable). Params: type:blank|http|registry|pvc|snapshot|ds,name,size,bootorder,src,url,...', collect)
    .option('--user <user>', 'The user in the generated cloud-init user data.')
    .option('--password-file <file>', 'A file to read the password for the generated cloud-init user data from.')
    .option('--ssh-key <keys>', 'SSH authorized keys in the generated cloud-init user data (repeatable, comma-separated).', collectCsv)
    .option('--ga-manage-ssh', 'Let the qemu-guest-agent manage SSH keys (generated cloud-init user data).')
    .option('--cloud-init <type>', 'The type of the generated cloud-init data source: nocloud, configdrive, none.')
    .option('--cloud-init-user-data <base64>', 'The base64 encoded cloud-init user data of the VM.')
    .option('--cloud-init-network-data <base64>', 'The base64 encoded cloud-init network data of the VM.')
    .addHelpText(
      'after',
      `\nExamples:\n  # A VM with a random name:\n  ${ctx.programName} create vm\n  # A VM booting an ephemeral containerdisk, with 1Gi of memory:\n  ${ctx.programName} create vm --name=my-vm --memory=1Gi --volume-containerdisk=src:my.registry/my-image:my-tag\n  # A VM using a PVC, with a user and an SSH key set by cloud-init:\n  ${ctx.programName} create vm --volume-pvc=src:my-pvc --user cloud-user --ssh-key="ssh-ed25519 AAAA...."\n`,
    )
    .action(async (flags: CreateVmFlags, cmd: Command) => {
      const globals = globalsOf(cmd);
      let password: string | undefined;
      if (flags.passwordFile) {
        try {
          password = (await ctx.readFile(flags.passwordFile)).toString('utf8');
        } catch (err) {
          throw flagError('password-file', err instanceof Error ? err.message : String(err));
        }
        ctx.term.stderr.write('WARNING: --password-file: The password is stored in cleartext in the VM definition!\n');
      }
      const vm = buildVm({ flags, namespace: globals.namespace, password, randomSuffix });
      ctx.term.stdout.write(renderManifest(vm));
    });
}

/**
 * `virtctl expose vm|vmi|vmirs NAME --name SVC [--port ...]`: reads the object, takes its labels
 * (VMI), template labels (VM) or matchLabels (VMIRS) as the selector and creates a Service, as
 * upstream's expose builds it. Without --port the pod-network interface's declared ports are used.
 */
import type { Command } from 'commander';
import type { ApiRequest, CommandContext, JsonObject as Obj } from './api.js';
import { VirtctlError, wrapError } from './errors.js';
import { intArg, withSession } from './flags.js';
import { kubevirtPath, servicesPath } from './paths.js';

export type ExposeKind = 'vmi' | 'vm' | 'vmirs';

/** Labels never copied into a selector: they differ between a VM's successive instances. */
export const UNSTABLE_LABELS: readonly string[] = ['kubevirt.io/nodeName', 'kubevirt.io/vm-pool-revision-name', 'kubevirt.io/migrationTargetNodeName'];

export interface ExposeFlags {
  readonly name: string;
  readonly port?: number;
  readonly targetPort?: string;
  readonly type: string;
  readonly protocol: string;
  readonly portName?: string;
  readonly selector?: string;
  readonly clusterIp?: string;
  readonly externalIp?: string;
  readonly loadBalancerIp?: string;
  readonly ipFamily?: string;
  readonly ipFamilyPolicy?: string;
}

interface ServicePort {
  name?: string;
  protocol: string;
  port: number;
  targetPort?: number | string;
}

/** Accepts vmi/vm/vmirs in singular, plural and long forms, any case. */
export function normalizeExposeKind(kind: string): ExposeKind {
  const k = kind.toLowerCase();
  if (['vmi', 'vmis', 'virtualmachineinstance', 'virtualmachineinstances'].includes(k)) return 'vmi';
  if (['vm', 'vms', 'virtualmachine', 'virtualmachines'].includes(k)) return 'vm';
  if (['vmirs', 'vmirss', 'virtualmachineinstancereplicaset', 'virtualmachineinstancereplicasets'].includes(k)) return 'vmirs';
  throw new VirtctlError(`unsupported resource type: ${kind}`);
}

const PLURALS: Readonly<Record<ExposeKind, string>> = { vmi: 'virtualmachineinstances', vm: 'virtualmachines', vmirs: 'virtualmachineinstancereplicasets' };

/** The GET of the exposed object. */
export function exposeSourceRequest(kind: ExposeKind, namespace: string, name: string): ApiRequest {
  return { method: 'GET', path: kubevirtPath(PLURALS[kind], namespace, name) };
}

/** Parses `k=v,k2=v2` (equality-based selectors only, as Services support). */
export function parseSelector(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of s.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([^=!\s]+)==?([^=!\s]*)$/.exec(part);
    if (!m) throw new VirtctlError(`invalid selector "${s}": only equality-based requirements (key=value) are supported`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

/** int-or-string as intstr.Parse reads it. */
function intOrString(s: string): number | string {
  return /^-?\d+$/.test(s) ? Number(s) : s;
}

function ipFamilies(s: string | undefined): string[] {
  switch ((s ?? '').toLowerCase()) {
    case '':
      return [];
    case 'ipv4':
      return ['IPv4'];
    case 'ipv6':
      return ['IPv6'];
    case 'ipv4,ipv6':
      return ['IPv4', 'IPv6'];
    case 'ipv6,ipv4':
      return ['IPv6', 'IPv4'];
    default:
      throw new VirtctlError(`unknown IPFamily/s: ${s}`);
  }
}

function ipFamilyPolicy(s: string | undefined, families: readonly string[]): string | undefined {
  switch ((s ?? '').toLowerCase()) {
    case '':
      return families.length > 1 ? 'PreferDualStack' : undefined;
    case 'singlestack':
      return 'SingleStack';
    case 'preferdualstack':
      return 'PreferDualStack';
    case 'requiredualstack':
      return 'RequireDualStack';
    default:
      throw new VirtctlError(`unknown IPFamilyPolicy/s: ${s}`);
  }
}

/** Checks --protocol and --type the way upstream does before anything is read. */
export function validateExposeFlags(flags: ExposeFlags): void {
  if (flags.protocol !== 'TCP' && flags.protocol !== 'UDP') throw new VirtctlError(`unknown protocol: ${flags.protocol}`);
  if (flags.type === 'ExternalName') throw new VirtctlError(`type: ${flags.type} not supported`);
  if (!['ClusterIP', 'NodePort', 'LoadBalancer'].includes(flags.type)) throw new VirtctlError(`unknown service type: ${flags.type}`);
  ipFamilyPolicy(flags.ipFamilyPolicy, ipFamilies(flags.ipFamily));
}

/** The VMI spec an object runs: the VMI's own, or the template of a VM or VMIRS. */
function vmiSpecOf(kind: ExposeKind, obj: Obj): Obj | undefined {
  return kind === 'vmi' ? obj.spec : obj.spec?.template?.spec;
}

/** Ports the pod-network interface declares, named port-1, port-2, ... (upstream's introspection). */
export function podNetworkPorts(spec: Obj | undefined): ServicePort[] {
  const podNet = (spec?.networks as Obj[] | undefined)?.find((n) => n.pod !== undefined);
  if (!podNet) return [];
  const iface = (spec?.domain?.devices?.interfaces as Obj[] | undefined)?.find((i) => i.name === podNet.name);
  return ((iface?.ports as Obj[] | undefined) ?? []).map((p, i) => ({ name: `port-${i + 1}`, protocol: (p.protocol as string | undefined) ?? 'TCP', port: p.port as number }));
}

/** The selector an object offers (labels minus unstable ones). */
export function selectorOf(kind: ExposeKind, obj: Obj): Record<string, string> {
  let labels: Record<string, string>;
  if (kind === 'vmirs') {
    if ((obj.spec?.selector?.matchExpressions as unknown[] | undefined)?.length) throw new VirtctlError('cannot expose VirtualMachineInstance ReplicaSet with match expressions');
    labels = { ...(obj.spec?.selector?.matchLabels as Record<string, string> | undefined) };
  } else {
    labels = { ...((kind === 'vmi' ? obj.metadata?.labels : obj.spec?.template?.metadata?.labels) as Record<string, string> | undefined) };
  }
  for (const l of UNSTABLE_LABELS) delete labels[l];
  return labels;
}

/** The Service expose creates for an object; throws upstream's errors for missing labels/ports. */
export function buildService(kind: ExposeKind, obj: Obj, namespace: string, flags: ExposeFlags): Obj {
  validateExposeFlags(flags);
  const selector = flags.selector ? parseSelector(flags.selector) : selectorOf(kind, obj);
  if (Object.keys(selector).length === 0) throw new VirtctlError(`cannot expose ${kind} without any label: ${obj.metadata?.name ?? ''}`);
  let ports = podNetworkPorts(vmiSpecOf(kind, obj));
  if (flags.port) {
    // an unset target port means "same as port", which the API server would default anyway
    ports = [{ ...(flags.portName ? { name: flags.portName } : {}), protocol: flags.protocol, port: flags.port, targetPort: flags.targetPort ? intOrString(flags.targetPort) : flags.port }];
  } else if (ports.length === 0) {
    throw new VirtctlError("couldn't find port via --port flag or introspection");
  }
  const families = ipFamilies(flags.ipFamily);
  const policy = ipFamilyPolicy(flags.ipFamilyPolicy, families);
  const spec: Obj = { ports, selector, type: flags.type };
  if (flags.clusterIp) spec.clusterIP = flags.clusterIp;
  if (flags.loadBalancerIp) spec.loadBalancerIP = flags.loadBalancerIp;
  if (flags.externalIp) spec.externalIPs = [flags.externalIp];
  if (families.length > 0) spec.ipFamilies = families;
  if (policy) spec.ipFamilyPolicy = policy;
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: flags.name, namespace }, spec };
}

/** Adds `expose` to the CLI. */
export function registerExpose(program: Command, ctx: CommandContext): void {
  program
    .command('expose')
    .summary('Expose a virtual machine instance, virtual machine, or virtual machine instance replica set as a new service.')
    .description(
      'Expose a virtual machine instance, virtual machine, or virtual machine instance replica set as a new service.\n' +
        'The selector of the new service is the resource\'s labels (vmi), template labels (vm) or matchLabels (vmirs),\n' +
        'unless --selector is given. Without --port, the ports declared on the pod network interface are used.\n' +
        'Types (case insensitive, singular or plural): virtualmachineinstance (vmi), virtualmachine (vm), virtualmachineinstancereplicaset (vmirs).',
    )
    .argument('<type>', 'vmi, vm or vmirs')
    .argument('<name>', 'name of the resource')
    .requiredOption('--name <name>', 'name of the service created for the exposure of the VM')
    .option('--port <port>', 'the port that the service should serve on', intArg(1, 65535))
    .option('--target-port <port>', 'name or number of the port on the VM that the service should direct traffic to')
    .option('--type <type>', 'type for this service: ClusterIP, NodePort, or LoadBalancer', 'ClusterIP')
    .option('--protocol <protocol>', 'the network protocol for the service to be created', 'TCP')
    .option('--port-name <name>', 'name of the port')
    .option('--selector <selector>', 'a label selector (key=value[,key=value]) for the service instead of the resource\'s labels')
    .option('--cluster-ip <ip>', "ClusterIP to be assigned to the service; 'None' for a headless service")
    .option('--external-ip <ip>', 'an additional external IP address to accept for the service')
    .option('--load-balancer-ip <ip>', 'IP to assign to the load balancer')
    .option('--ip-family <family>', "IPv4, IPv6, 'IPv4,IPv6' or 'IPv6,IPv4'")
    .option('--ip-family-policy <policy>', 'SingleStack, PreferDualStack or RequireDualStack')
    .addHelpText('after', `\nExamples:\n  # Expose SSH of a virtual machine instance called 'myvm' on each node via a NodePort service:\n  ${ctx.programName} expose vmi myvm --port=22 --name=myvm-ssh --type=NodePort\n`)
    .action(async (kindArg: string, name: string, flags: ExposeFlags, cmd: Command) => {
      const kind = normalizeExposeKind(kindArg);
      validateExposeFlags(flags);
      await withSession(ctx, cmd, async (s) => {
        let obj: Obj;
        try {
          obj = await s.api.json<Obj>(exposeSourceRequest(kind, s.namespace, name));
        } catch (err) {
          const what = { vmi: 'VirtualMachineInstance', vm: 'Virtual Machine', vmirs: 'VirtualMachineInstance ReplicaSet' }[kind];
          throw wrapError(`error fetching ${what}: `, err);
        }
        const svc = buildService(kind, obj, s.namespace, flags);
        try {
          await s.api.json({ method: 'POST', path: servicesPath(s.namespace), body: svc });
        } catch (err) {
          throw wrapError('service creation failed: ', err);
        }
      });
      ctx.term.stdout.write(`Service ${flags.name} successfully exposed for ${kindArg.toLowerCase()} ${name}\n`);
    });
}

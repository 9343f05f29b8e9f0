/**
 * The Service environment variables kubelet gives every container (pkg/kubelet/envvars): the
 * `kubernetes` Service of `default` always, and with `spec.enableServiceLinks` (default true) each
 * Service of the pod's namespace, as FOO_SERVICE_HOST/PORT[_NAME] plus Docker-link FOO_PORT* names.
 * Pure: the caller lists the Services.
 */

/** The Service fields the variables are made from. */
export interface ServiceForEnv {
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: {
    readonly clusterIP?: string;
    readonly ports?: readonly { readonly name?: string; readonly port: number; readonly protocol?: string }[];
  };
}

/** Services kube-apiserver owns in `default`, whose variables every pod gets. */
const MASTER_SERVICES = new Set(['kubernetes']);

/** `my-svc` -> `MY_SVC`, kubelet's makeEnvVariableName. */
const envName = (s: string): string => s.replaceAll('-', '_').toUpperCase();

/** An IPv6 cluster IP is bracketed in host:port, as Go's net.JoinHostPort does. */
const hostPort = (ip: string, port: number): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

const hasClusterIP = (s: ServiceForEnv): boolean => {
  const ip = s.spec?.clusterIP ?? '';
  return ip !== '' && ip !== 'None';
};

/** The variables of one Service, in kubelet's order (envvars.FromServices); none without a cluster IP or ports. */
export function serviceVariables(s: ServiceForEnv): [string, string][] {
  const ports = s.spec?.ports ?? [];
  const first = ports[0];
  if (!hasClusterIP(s) || !first) return [];
  const ip = s.spec?.clusterIP ?? '';
  const prefix = envName(s.metadata?.name ?? '');
  const out: [string, string][] = [[`${prefix}_SERVICE_HOST`, ip], [`${prefix}_SERVICE_PORT`, String(first.port)]];
  for (const p of ports) if (p.name) out.push([`${prefix}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
  ports.forEach((p, i) => {
    const proto = (p.protocol || 'TCP').toUpperCase();
    const url = `${proto.toLowerCase()}://${hostPort(ip, p.port)}`;
    if (i === 0) out.push([`${prefix}_PORT`, url]);
    const pp = `${prefix}_PORT_${p.port}_${proto}`;
    out.push([pp, url], [`${pp}_PROTO`, proto.toLowerCase()], [`${pp}_PORT`, String(p.port)], [`${pp}_ADDR`, ip]);
  });
  return out;
}

/**
 * The service environment of a pod in `namespace`: from `services` (any namespaces), the master
 * Services of `default`, plus, when `enableServiceLinks`, every Service of `namespace`.
 */
export function serviceEnv(services: readonly ServiceForEnv[], namespace: string, enableServiceLinks = true): Map<string, string> {
  const chosen = new Map<string, ServiceForEnv>();
  for (const s of services) {
    const name = s.metadata?.name ?? '';
    const ns = s.metadata?.namespace ?? '';
    if (!hasClusterIP(s)) continue;
    if (ns === 'default' && MASTER_SERVICES.has(name)) {
      if (!chosen.has(name)) chosen.set(name, s);
    } else if (ns === namespace && enableServiceLinks) {
      chosen.set(name, s);
    }
  }
  const env = new Map<string, string>();
  for (const s of [...chosen.values()].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))) {
    for (const [k, v] of serviceVariables(s)) env.set(k, v);
  }
  return env;
}

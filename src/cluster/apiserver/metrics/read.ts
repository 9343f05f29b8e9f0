/**
 * Reading the API server's /metrics from outside (benchmarks, tests): fetch the text with a
 * kubeconfig's credentials and count apiserver_request_total per verb for one resource, so a
 * caller can tell patches from updates (PATCH vs PUT) on, say, virtualmachineinstances.
 */
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

/** Which requests to count: one group/resource, optionally one subresource ('' = the main resource). */
export interface RequestFilter {
  readonly group: string;
  readonly resource: string;
  /** Undefined counts every subresource together with the main resource. */
  readonly subresource?: string;
}

const sample = /^apiserver_request_total\{(.*)\} ([0-9.eE+-]+)$/;
const label = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/** Labels of one sample line's label block, unescaped. */
function parseLabels(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of block.matchAll(label)) out[m[1] ?? ''] = (m[2] ?? '').replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
  return out;
}

/** apiserver_request_total of the filtered resource summed per verb (POST, PUT, PATCH, APPLY, GET, LIST, WATCH, DELETE...). */
export function requestCountsByVerb(metricsText: string, filter: RequestFilter): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of metricsText.split('\n')) {
    const m = sample.exec(line);
    if (!m) continue;
    const l = parseLabels(m[1] ?? '');
    if (l.group !== filter.group || l.resource !== filter.resource) continue;
    if (filter.subresource !== undefined && l.subresource !== filter.subresource) continue;
    const verb = l.verb ?? '';
    counts[verb] = (counts[verb] ?? 0) + Number(m[2]);
  }
  return counts;
}

/** GETs /metrics with the kubeconfig's current context (it must be allowed to: cluster-admin or system:monitoring). */
export async function fetchMetricsText(kubeconfigPath: string): Promise<string> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`kubeconfig ${kubeconfigPath} has no current cluster`);
  const opts: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  const url = new URL('/metrics', cluster.server);
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ...opts, agent: false, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 200) resolve(text);
        else reject(new Error(`GET ${url.href}: HTTP ${res.statusCode ?? 0}: ${text.slice(0, 300)}`));
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url.href}: timed out`)));
    req.on('error', reject);
  });
}

/** Fetches /metrics and counts requests per verb for one resource (see requestCountsByVerb). */
export async function fetchRequestCountsByVerb(kubeconfigPath: string, filter: RequestFilter): Promise<Record<string, number>> {
  return requestCountsByVerb(await fetchMetricsText(kubeconfigPath), filter);
}

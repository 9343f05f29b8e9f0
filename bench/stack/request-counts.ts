/**
 * Per-request-kind counts from the API server's /metrics (apiserver_request_total): keyed by
 * "VERB resource[/subresource]" (plus the user, when the server labels one), and the difference of
 * two scrapes divided by a batch size, so a benchmark can say how many requests each VMI cost.
 */

const sample = /^(apiserver_request_total|kubevirt_ts_apiserver_requests_by_user_total)\{(.*)\} ([0-9.eE+-]+)$/;
const label = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/** Request counts of one /metrics text: `series` "VERB resource[/sub]", `byUser` "user VERB resource[/sub]". */
export function requestCounts(metricsText: string): { series: Map<string, number>; byUser: Map<string, number> } {
  const series = new Map<string, number>();
  const byUser = new Map<string, number>();
  for (const line of metricsText.split('\n')) {
    const m = sample.exec(line);
    if (!m) continue;
    const l: Record<string, string> = {};
    for (const x of (m[2] ?? '').matchAll(label)) l[x[1] ?? ''] = x[2] ?? '';
    const what = `${l.verb ?? ''} ${l.resource || '-'}${l.subresource ? `/${l.subresource}` : ''}`;
    const into = m[1] === 'apiserver_request_total' ? series : byUser;
    const key = m[1] === 'apiserver_request_total' ? what : `${l.user ?? ''} ${what}`;
    into.set(key, (into.get(key) ?? 0) + Number(m[3]));
  }
  return { series, byUser };
}

/** (after - before) / n per key, largest first, keys with no change dropped; values to one decimal. */
export function perItem(before: Map<string, number>, after: Map<string, number>, n: number): Record<string, number> {
  const out: [string, number][] = [];
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    if (d > 0) out.push([k, +(d / n).toFixed(1)]);
  }
  return Object.fromEntries(out.sort((a, b) => b[1] - a[1]));
}

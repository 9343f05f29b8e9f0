/**
 * kubelet's `/containerLogs/<ns>/<pod>/<container>` endpoint as a request handler, to be served
 * over HTTPS on the node's daemon port so the API server's pods/log can proxy to it.
 * Query: tailLines, previous, follow, limitBytes, timestamps, sinceSeconds, sinceTime (as pods/log takes them).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { followPodLog, readPodLog } from './logs.js';

/** A handler for one node's state dir; answers 404 for other paths. */
export function containerLogsHandler(stateDir: string): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://node');
    const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (req.method !== 'GET' || !m) {
      res.writeHead(404).end('not found');
      return;
    }
    const [ns, pod, container] = [m[1], m[2], m[3]].map((s) => decodeURIComponent(s ?? '')) as [string, string, string];
    const num = (k: string): number | undefined => (url.searchParams.has(k) ? Number(url.searchParams.get(k)) : undefined);
    const since = num('sinceSeconds');
    const sinceTime = url.searchParams.get('sinceTime');
    const sinceMs = since !== undefined ? Date.now() - since * 1000 : sinceTime ? Date.parse(sinceTime) : undefined;
    const opts = { tailLines: num('tailLines'), limitBytes: num('limitBytes'), previous: url.searchParams.get('previous') === 'true', timestamps: url.searchParams.get('timestamps') === 'true', sinceMs };
    if (url.searchParams.get('follow') === 'true' && !opts.previous) {
      const abort = new AbortController();
      req.on('close', () => abort.abort());
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      void (async () => {
        for await (const chunk of followPodLog(stateDir, ns, pod, container, { ...opts, signal: abort.signal })) res.write(chunk);
        res.end();
      })().catch(() => res.destroy());
      return;
    }
    readPodLog(stateDir, ns, pod, container, opts).then(
      (text) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end(text),
      (e: unknown) => res.writeHead(400, { 'Content-Type': 'text/plain' }).end((e as Error).message),
    );
  };
}

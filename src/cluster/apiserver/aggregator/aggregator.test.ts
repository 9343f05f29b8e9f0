import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest, type Server as HttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { asStatusError, type KubeObject } from '../../../api/meta/index.js';
import { createCa, issueClientCert, issueServerCert, type CertKeyPem } from '../../pki/index.js';
import type { UserInfo } from '../contracts.js';
import { Aggregator } from './aggregator.js';
import { availableCondition, checkAvailability, probeAPIService, withAvailableCondition, type ProbeDeps } from './availability.js';
import { verifyFrontProxyRequest } from '../../../common/request-header.js';

// A backend (like virt-api) on 127.0.0.1 serving subresources.kubevirt.io/v1 as Service api.kubevirt.svc,
// and a front server standing in for the API server core, which hands requests to the Aggregator.
const GROUP_PATH = '/apis/subresources.kubevirt.io/v1';
let frontProxyCaPem = '';
let clusterClient: CertKeyPem;
let proxyClient: CertKeyPem;
let servingCaPem = '';
let backend: HttpsServer;
let backendPort = 0;
let front: HttpServer;
let frontPort = 0;
let releaseWatch: () => void = () => undefined;
let backendClosed: () => void = () => undefined;
const caller: UserInfo = {
  name: 'alice',
  uid: 'uid-alice',
  groups: ['dev', 'system:authenticated'],
  extra: { 'authentication.kubernetes.io/pod-name': ['launcher-1'] },
};

function apiService(name: string, spec: Record<string, unknown>, available = true): KubeObject {
  return {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name },
    spec,
    status: { conditions: [{ type: 'Available', status: available ? 'True' : 'False', reason: 'Passed' }] },
  };
}
let apiServices: KubeObject[] = [];

function identity(req: IncomingMessage): UserInfo | undefined {
  return verifyFrontProxyRequest(req, frontProxyCaPem, ['front-proxy-client']);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
  });
}

before(async () => {
  const servingCa = await createCa('serving-ca');
  const frontProxyCa = await createCa('front-proxy-ca');
  const clusterCa = await createCa('cluster-ca');
  servingCaPem = servingCa.certPem;
  frontProxyCaPem = frontProxyCa.certPem;
  proxyClient = await issueClientCert(frontProxyCa, 'front-proxy-client');
  clusterClient = await issueClientCert(clusterCa, 'front-proxy-client');
  const serving = await issueServerCert(servingCa, { dnsNames: ['api.kubevirt.svc'] });

  backend = createHttpsServer({ cert: serving.certPem, key: serving.keyPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    void (async () => {
      const body = await readBody(req);
      const url = req.url ?? '';
      if (url === GROUP_PATH) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ kind: 'APIResourceList', groupVersion: 'subresources.kubevirt.io/v1', resources: [] }));
      } else if (url.startsWith('/apis/subresources.kubevirt.io/v9')) {
        res.writeHead(500).end();
      } else if (url.startsWith(`${GROUP_PATH}/hold`)) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"type":"ADDED"}\n');
        res.on('close', () => backendClosed());
      } else if (url.startsWith(`${GROUP_PATH}/watch`)) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"type":"ADDED"}\n');
        releaseWatch = () => res.end('{"type":"DELETED"}\n');
      } else {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            user: identity(req) ?? null,
            method: req.method,
            url,
            body,
            authorization: req.headers.authorization ?? null,
            impersonate: req.headers['impersonate-user'] ?? null,
          }),
        );
      }
    })();
  });
  backend.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    const user = identity(req);
    if (!user || req.url?.endsWith('/refuse')) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nforbidden');
      return;
    }
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: plain.kubevirt.io\r\n\r\n');
    socket.on('data', (d: Buffer) => socket.write(`${d.toString()}:${user.name}`));
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  backendPort = (backend.address() as AddressInfo).port;

  const agg = new Aggregator({
    apiServices: () => apiServices,
    resolveService: async (ns, name, port) => {
      if (ns === 'kubevirt' && name === 'api' && port === 443) return { host: '127.0.0.1', port: backendPort };
      if (ns === 'kubevirt' && name === 'down') return { host: '127.0.0.1', port: 1 };
      throw new Error(`no endpoints available for service "${name}"`);
    },
    proxyClientCertificate: { cert: proxyClient.certPem, key: proxyClient.keyPem },
  });
  front = createHttpServer((req, res) => {
    agg.proxy(req, res, caller).catch((err: unknown) => {
      const s = asStatusError(err);
      res.writeHead(s.code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(s.toStatus()));
    });
  });
  front.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    void agg.proxyUpgrade(req, socket, head, caller);
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  frontPort = (front.address() as AddressInfo).port;
});

after(async () => {
  for (const s of [front, backend]) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

const kubevirtApi = () =>
  apiService('v1.subresources.kubevirt.io', {
    group: 'subresources.kubevirt.io',
    version: 'v1',
    service: { namespace: 'kubevirt', name: 'api' },
    caBundle: Buffer.from(servingCaPem).toString('base64'),
    groupPriorityMinimum: 1000,
    versionPriority: 15,
  });

interface Reply {
  status: number;
  body: string;
}
function call(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: frontPort, method, path, headers }, (res) => {
      void readBody(res).then((b) => resolve({ status: res.statusCode ?? 0, body: b }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('match finds the APIService of /apis/<group>/<version>/..., never a Local one', () => {
  const local = apiService('v1.apps', { group: 'apps', version: 'v1', service: null });
  apiServices = [local, kubevirtApi()];
  const agg = new Aggregator({ apiServices: () => apiServices, resolveService: () => Promise.reject(new Error('unused')), proxyClientCertificate: { cert: '', key: '' } });
  const cases: [string, string | undefined][] = [
    [`${GROUP_PATH}`, 'v1.subresources.kubevirt.io'],
    [`${GROUP_PATH}/namespaces/ns1/virtualmachineinstances/vm/console?x=1`, 'v1.subresources.kubevirt.io'],
    ['/apis/subresources.kubevirt.io', undefined],
    ['/apis/subresources.kubevirt.io/v2/version', undefined],
    ['/apis/apps/v1/deployments', undefined],
    ['/api/v1/pods', undefined],
  ];
  for (const [path, want] of cases) assert.equal(agg.match(path)?.metadata?.name, want, path);
});

test('proxy forwards method, path, query and body with the caller identity over the front-proxy certificate', async () => {
  apiServices = [kubevirtApi()];
  const reply = await call('PUT', `${GROUP_PATH}/namespaces/ns1/virtualmachines/vm/start?dryRun=All`, '{"x":1}', {
    authorization: 'Bearer secret-token',
    'x-remote-user': 'mallory',
    'x-remote-group': 'system:masters',
    'impersonate-user': 'root',
    'content-type': 'application/json',
  });
  assert.equal(reply.status, 200, reply.body);
  assert.deepEqual(JSON.parse(reply.body), {
    user: caller,
    method: 'PUT',
    url: `${GROUP_PATH}/namespaces/ns1/virtualmachines/vm/start?dryRun=All`,
    body: '{"x":1}',
    authorization: null,
    impersonate: null,
  });
});

test('proxy streams responses (watches) as they are written', async () => {
  apiServices = [kubevirtApi()];
  const lines = await new Promise<string[]>((resolve, reject) => {
    const got: string[] = [];
    const req = httpRequest({ host: '127.0.0.1', port: frontPort, path: `${GROUP_PATH}/watch?watch=true` }, (res) => {
      res.on('data', (c: Buffer) => {
        got.push(c.toString());
        // The first event arrived while the backend still holds the response open.
        if (got.length === 1) releaseWatch();
      });
      res.on('end', () => resolve(got.join('').trim().split('\n')));
    });
    req.on('error', reject);
    req.end();
  });
  assert.deepEqual(lines, ['{"type":"ADDED"}', '{"type":"DELETED"}']);
});

test('a caller hanging up on a watch closes the backend request too', async () => {
  apiServices = [kubevirtApi()];
  const closed = new Promise<void>((resolve) => {
    backendClosed = resolve;
  });
  await new Promise<void>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: frontPort, path: `${GROUP_PATH}/hold?watch=true` }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? undefined : reject(err)));
    req.end();
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('backend request still open 5 s after the caller left')), 5000);
  });
  await Promise.race([closed, deadline]).finally(() => clearTimeout(timer));
});

function upgrade(path: string, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(frontPort, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nAuthorization: Bearer t\r\n\r\n`);
    });
    let text = '';
    const deadline = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer: ${JSON.stringify(text)}`));
    }, 5000);
    socket.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('\r\n\r\n') && text.startsWith('HTTP/1.1 101') && !text.includes(payload)) socket.write(payload);
      if (text.endsWith(`${payload}:alice`) || (!text.startsWith('HTTP/1.1 101') && text.includes('\r\n\r\n') && /\r\n\r\n.+/s.test(text))) {
        clearTimeout(deadline);
        socket.destroy();
        resolve(text);
      }
    });
    socket.on('error', reject);
  });
}

test('proxyUpgrade relays the 101 and pipes raw bytes both ways; refusals are relayed', async () => {
  apiServices = [kubevirtApi()];
  const ok = await upgrade(`${GROUP_PATH}/namespaces/ns1/virtualmachineinstances/vm/console`, 'ping');
  assert.match(ok, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
  assert.match(ok, /Sec-WebSocket-Protocol: plain.kubevirt.io/i);
  assert.ok(ok.endsWith('\r\n\r\nping:alice'), ok);
  const refused = await upgrade(`${GROUP_PATH}/namespaces/ns1/virtualmachineinstances/vm/refuse`, 'ping');
  assert.match(refused, /^HTTP\/1\.1 403 Forbidden\r\n/);
  assert.ok(refused.endsWith('forbidden'), refused);
});

test('unavailable or unreachable backends answer 503', async () => {
  apiServices = [{ ...kubevirtApi(), status: { conditions: [{ type: 'Available', status: 'False' }] } }];
  const unavailable = await call('GET', `${GROUP_PATH}/version`);
  assert.equal(unavailable.status, 503);
  assert.equal((JSON.parse(unavailable.body) as { message: string }).message, 'service unavailable');
  apiServices = [apiService('v1.subresources.kubevirt.io', { group: 'subresources.kubevirt.io', version: 'v1', service: { namespace: 'kubevirt', name: 'down' } })];
  const down = await call('GET', `${GROUP_PATH}/version`);
  assert.equal(down.status, 503);
  assert.match((JSON.parse(down.body) as { message: string }).message, /^error trying to reach service: connect ECONNREFUSED/);
});

function direct(cert?: CertKeyPem, headers: Record<string, string> = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: backendPort,
        path: `${GROUP_PATH}/namespaces/ns1/virtualmachineinstances/vm/echo`,
        servername: 'api.kubevirt.svc',
        ca: servingCaPem,
        headers,
        agent: false,
        ...(cert ? { cert: cert.certPem, key: cert.keyPem } : {}),
      },
      (res) => void readBody(res).then((b) => resolve((JSON.parse(b) as { user: unknown }).user)),
    );
    req.on('error', reject);
    req.end();
  });
}

test('verifyFrontProxyRequest trusts identity headers only with a request-header-CA client certificate', async () => {
  const spoof = { 'x-remote-user': 'mallory', 'x-remote-group': 'system:masters' };
  assert.equal(await direct(undefined, spoof), null, 'bare headers');
  assert.equal(await direct(clusterClient, spoof), null, 'certificate from another CA');
  assert.deepEqual(await direct(proxyClient, spoof), { name: 'mallory', groups: ['system:masters'] }, 'front proxy');
  assert.equal(await direct(proxyClient, {}), null, 'front proxy without a user');
});

test('probeAPIService and availableCondition report what kube-aggregator reports', async () => {
  const svc = (ports: unknown[]): KubeObject => ({ metadata: { name: 'api', namespace: 'kubevirt' }, spec: { ports } });
  const eps = (subsets: unknown[]): KubeObject => ({ metadata: { name: 'api', namespace: 'kubevirt' }, subsets });
  const httpsPort = [{ name: 'https', port: 443, targetPort: 8443 }];
  const ready = [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: 8443 }] }];
  const deps = (service?: KubeObject, endpoints?: KubeObject, port = backendPort): ProbeDeps => ({
    getService: () => service,
    getEndpoints: () => endpoints,
    resolveService: async () => ({ host: '127.0.0.1', port }),
    clientCertificate: { cert: proxyClient.certPem, key: proxyClient.keyPem },
    timeoutMs: 2000,
  });
  const s = kubevirtApi();
  const cases: { name: string; deps: ProbeDeps; apiService?: KubeObject; want: [string, string, string | RegExp] }[] = [
    { name: 'local', deps: deps(), apiService: apiService('v1.apps', { group: 'apps', version: 'v1' }), want: ['True', 'Local', 'Local APIServices are always available'] },
    { name: 'no service', deps: deps(), want: ['False', 'ServiceNotFound', 'service/api in "kubevirt" is not present'] },
    { name: 'wrong port', deps: deps(svc([{ name: 'https', port: 8443 }])), want: ['False', 'ServicePortError', 'service/api in "kubevirt" is not listening on port 443'] },
    { name: 'no endpoints', deps: deps(svc(httpsPort)), want: ['False', 'EndpointsNotFound', 'cannot find endpoints for service/api in "kubevirt"'] },
    {
      name: 'no ready addresses',
      deps: deps(svc(httpsPort), eps([{ notReadyAddresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: 8443 }] }])),
      want: ['False', 'MissingEndpoints', 'endpoints for service/api in "kubevirt" have no addresses with port name "https"'],
    },
    {
      name: 'discovery unreachable',
      deps: deps(svc(httpsPort), eps(ready), 1),
      want: ['False', 'FailedDiscoveryCheck', /^failing or missing response from https:\/\/api\.kubevirt\.svc:443\/apis\/subresources\.kubevirt\.io\/v1: connect ECONNREFUSED/],
    },
    {
      name: 'discovery answers 500',
      deps: deps(svc(httpsPort), eps(ready)),
      apiService: { ...s, spec: { ...(s.spec as object), version: 'v9' } },
      want: ['False', 'FailedDiscoveryCheck', 'failing or missing response from https://api.kubevirt.svc:443/apis/subresources.kubevirt.io/v9: bad status from https://api.kubevirt.svc:443/apis/subresources.kubevirt.io/v9: 500'],
    },
    { name: 'passed', deps: deps(svc(httpsPort), eps(ready)), want: ['True', 'Passed', 'all checks passed'] },
  ];
  for (const c of cases) {
    const cond = availableCondition(c.apiService ?? s, await probeAPIService(c.apiService ?? s, c.deps));
    assert.deepEqual([cond.status, cond.reason], c.want.slice(0, 2), c.name);
    if (c.want[2] instanceof RegExp) assert.match(cond.message ?? '', c.want[2], c.name);
    else assert.equal(cond.message, c.want[2], c.name);
  }
  const t0 = new Date('2026-01-01T00:00:00Z');
  const first = withAvailableCondition(s, availableCondition({ ...s, status: {} }, { kind: 'passed' }, t0));
  const again = availableCondition(first, { kind: 'passed' }, new Date('2026-01-02T00:00:00Z'));
  assert.equal(again.lastTransitionTime, '2026-01-01T00:00:00Z');
  const flipped = availableCondition(first, { kind: 'service-not-found' }, new Date('2026-01-03T00:00:00Z'));
  assert.equal(flipped.lastTransitionTime, '2026-01-03T00:00:00Z');
  const noConditions = { ...s, status: {} };
  const changed = await checkAvailability([noConditions, first], deps(svc(httpsPort), eps(ready)));
  assert.deepEqual(changed.map((c) => (c.status as { conditions: { reason: string }[] }).conditions[0]?.reason), ['Passed']);
});

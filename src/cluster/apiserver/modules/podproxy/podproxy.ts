/**
 * pods/log and pods/exec: kube-apiserver's proxy to the pod's node agent. The request is checked
 * here (pod, node, container), then forwarded over HTTPS to the node's kubelet endpoint with the
 * API server's kubelet client certificate; exec's websocket upgrade is relayed byte for byte.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { asStatusError, badRequest, type KubeObject } from '../../../../api/meta/index.js';
import { issueClientCert, type ClusterPki } from '../../../pki/index.js';
import { proxyRequest, proxyUpgradeRequest, writeStatusToSocket, type BackendTarget, type ClientCertificate } from '../../aggregator/proxy.js';
import type { UserInfo } from '../../contracts.js';
import type { RequestInfo } from '../../http/request-info.js';
import { containerFor, execPath, logPath, nodeEndpoint } from './node-path.js';

/** The identity the API server presents to node agents (kubeadm's apiserver-kubelet-client). */
export const KUBELET_CLIENT_USER = 'kube-apiserver-kubelet-client';

/** Subresources of pods that connect to the node. */
const CONNECT = new Set(['log', 'exec', 'attach']);

/** Reads pods and nodes as stored. */
export interface PodProxySource {
  pod(ns: string, name: string): KubeObject | undefined;
  node(name: string): KubeObject | undefined;
}

/** What the request pipeline calls for pods/log and pods/exec. */
export interface PodProxy {
  /** True for the pod subresources served here. */
  handles(info: RequestInfo): boolean;
  /** A plain request (pods/log); throws StatusError before anything was written. */
  serve(req: IncomingMessage, res: ServerResponse, info: RequestInfo, user: UserInfo): Promise<void>;
  /** An upgrade request (pods/exec over websockets); errors are written to the socket. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, info: RequestInfo, user: UserInfo): Promise<void>;
}

/** The pod proxy over a store-like source, signing its client certificate with the cluster CA. */
export function createPodProxy(source: PodProxySource, pki: Pick<ClusterPki, 'ca'>): PodProxy {
  let cert: Promise<ClientCertificate> | undefined;
  const clientCert = (): Promise<ClientCertificate> =>
    (cert ??= issueClientCert(pki.ca, KUBELET_CLIENT_USER, ['system:masters']).then((c) => ({ cert: c.certPem, key: c.keyPem })));
  const resolve = (info: RequestInfo, url: URL): { target: BackendTarget; path: string } => {
    const pod = source.pod(info.namespace, info.name);
    const ep = nodeEndpoint(pod, info.name, (n) => source.node(n));
    const container = containerFor(pod as KubeObject, url.searchParams.get('container'));
    const path = info.subresource === 'log' ? logPath(info.namespace, info.name, container, url.searchParams) : execPath(info.namespace, info.name, container, url.searchParams);
    return { target: { host: ep.host, port: ep.port, servername: ep.node, ca: pki.ca.certPem }, path };
  };
  return {
    handles: (info) => info.isResourceRequest && info.apiGroup === '' && info.resource === 'pods' && CONNECT.has(info.subresource) && info.name !== '',
    async serve(req, res, info, user) {
      if (info.subresource !== 'log') throw badRequest('Upgrade request required');
      if (req.method !== 'GET') throw badRequest(`the server does not allow this method on the requested resource`);
      const url = new URL(req.url ?? '/', 'https://localhost');
      const { target, path } = resolve(info, url);
      await proxyRequest(target, await clientCert(), req, res, user, path);
    },
    async upgrade(req, socket, head, info, user) {
      try {
        if (info.subresource === 'attach') throw badRequest('attach is not supported by this node agent; use exec');
        if (info.subresource !== 'exec') throw badRequest(`${info.subresource} cannot be upgraded`);
        const url = new URL(req.url ?? '/', 'https://localhost');
        const { target, path } = resolve(info, url);
        await proxyUpgradeRequest(target, await clientCert(), req, socket, head, user, path);
      } catch (e) {
        writeStatusToSocket(socket, asStatusError(e));
      }
    },
  };
}

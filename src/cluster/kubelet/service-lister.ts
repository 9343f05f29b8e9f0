/**
 * The Services every pod start reads for its Service variables, from one cluster-wide Service
 * informer (kubelet's service lister) instead of a LIST per pod: a burst of pod starts costs the
 * API server and the agent nothing beyond the watch.
 */
import type { KubeObject } from '../../api/meta/index.js';
import type { KubeClient } from '../../client/kube-client.js';
import { Informer } from '../../client/informer.js';
import type { ServiceForEnv } from './service-env.js';

/** A cached, watch-fed view of the cluster's Services. */
export class ServiceLister {
  private readonly informer: Informer<KubeObject & ServiceForEnv>;

  constructor(client: KubeClient) {
    this.informer = new Informer<KubeObject & ServiceForEnv>(client, { path: '/api/v1/services' });
  }

  /** Lists, then watches; resolves once the first list is cached (pods start only after it, as kubelet's). */
  start(): Promise<void> {
    return this.informer.start();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  /** The cached Services of one namespace. */
  inNamespace(namespace: string): ServiceForEnv[] {
    return this.informer.list().filter((s) => s.metadata?.namespace === namespace);
  }
}

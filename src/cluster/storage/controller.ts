// The local volume controller: keeps the default StorageClass `local`, binds claims to
// matching static PVs or provisions hostPath PVs under the data dir (WaitForFirstConsumer
// claims once the scheduler names a node), and releases and deletes volumes whose claim is gone.
import { StatusError } from '../../api/meta/index.js';
import { EventRecorder } from '../../client/events.js';
import { Informer, keyOf } from '../../client/informer.js';
import type { KubeClient } from '../../client/kube-client.js';
import { WorkQueue, type ReconcileResult } from '../../client/workqueue.js';
import type { Node } from '../scheduler/types.js';
import { claimClass, findMatchingVolume, mismatch, requestedBytes } from './matcher.js';
import { createBacking, PROVISIONED_BY, provisionedVolume, removeBacking, volumeNameFor } from './provision.js';
import { DEFAULT_CLASS_ANNOTATION, LOCAL_PROVISIONER, SELECTED_NODE_ANNOTATION, type PersistentVolume, type PersistentVolumeClaim, type StorageClass } from './types.js';

/** The default StorageClass the embedded cluster serves. */
export const defaultStorageClass: StorageClass = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'local', annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } },
  provisioner: LOCAL_PROVISIONER,
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'WaitForFirstConsumer',
};

/** Options of LocalVolumeController. */
export interface LocalVolumeOptions {
  /** The data dir; volumes live under DATA_DIR/volumes. */
  readonly dataDir: string;
  readonly log?: (msg: string) => void;
}

const COMPONENT = 'persistentvolume-controller';
const PVS = '/api/v1/persistentvolumes';
const claimPath = (pvc: PersistentVolumeClaim): string => `/api/v1/namespaces/${pvc.metadata?.namespace}/persistentvolumeclaims/${pvc.metadata?.name}`;

/** Binds and provisions PersistentVolumes for claims. */
export class LocalVolumeController {
  private readonly claims: Informer<PersistentVolumeClaim>;
  private readonly volumes: Informer<PersistentVolume>;
  private readonly classes: Informer<StorageClass>;
  private readonly nodes: Informer<Node>;
  private readonly queue: WorkQueue;
  private readonly events: EventRecorder;

  constructor(
    private readonly client: KubeClient,
    private readonly opts: LocalVolumeOptions,
  ) {
    this.claims = new Informer(client, { path: '/api/v1/persistentvolumeclaims' });
    this.volumes = new Informer(client, { path: PVS });
    this.classes = new Informer(client, { path: '/apis/storage.k8s.io/v1/storageclasses' });
    this.nodes = new Informer(client, { path: '/api/v1/nodes' });
    this.events = new EventRecorder(client, COMPONENT);
    this.queue = new WorkQueue((k) => this.reconcile(k), { baseDelayMs: 200, maxDelayMs: 10_000, onError: (k, e) => opts.log?.(`storage ${k}: ${String(e)}`) });
  }

  /** Creates the default class if missing, then starts the informers and the queue. */
  async start(): Promise<void> {
    await this.client.create('/apis/storage.k8s.io/v1/storageclasses', defaultStorageClass).catch((e: unknown) => {
      if (!(e instanceof StatusError && e.code === 409)) throw e;
    });
    const claim = (c: PersistentVolumeClaim): void => this.queue.add(`claim/${keyOf(c)}`);
    const volume = (v: PersistentVolume): void => {
      this.queue.add(`volume/${keyOf(v)}`);
      const ref = v.spec?.claimRef;
      if (ref?.namespace && ref.name) this.queue.add(`claim/${ref.namespace}/${ref.name}`);
    };
    this.claims.addHandler({ add: claim, update: (_o, c) => claim(c), delete: (c) => c.spec?.volumeName && this.queue.add(`volume/${c.spec.volumeName}`) });
    this.volumes.addHandler({ add: volume, update: (_o, v) => volume(v), delete: () => undefined });
    this.classes.addHandler({ add: () => this.claims.list().forEach(claim) });
    await Promise.all([this.classes.start(), this.nodes.start(), this.volumes.start(), this.claims.start()]);
  }

  async stop(): Promise<void> {
    this.queue.stop();
    await Promise.all([this.claims.stop(), this.volumes.stop(), this.classes.stop(), this.nodes.stop()]);
  }

  /** Waits until the queue has nothing to do (tests). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private async reconcile(key: string): Promise<ReconcileResult | void> {
    const [kind, ...rest] = key.split('/');
    return kind === 'claim' ? this.syncClaim(rest.join('/')) : this.syncVolume(rest.join('/'));
  }

  private async syncClaim(key: string): Promise<ReconcileResult | void> {
    const pvc = this.claims.get(key);
    if (!pvc || pvc.metadata?.deletionTimestamp) return;
    const bound = pvc.spec?.volumeName ? this.volumes.get(pvc.spec.volumeName) : undefined;
    if (pvc.status?.phase === 'Bound' && bound?.spec?.claimRef?.uid === pvc.metadata?.uid && bound?.status?.phase === 'Bound') return;
    const className = claimClass(pvc, this.classes.list());
    const sc = className ? this.classes.get(className) : undefined;
    if (pvc.spec?.volumeName) {
      if (!bound) return;
      const why = mismatch(pvc, bound, className);
      if (why) return this.event(pvc, 'Warning', 'FailedBinding', `volume "${pvc.spec.volumeName}" cannot bind: ${why}`);
      return this.bind(pvc, bound);
    }
    const nodeName = pvc.metadata?.annotations?.[SELECTED_NODE_ANNOTATION];
    if (sc?.volumeBindingMode === 'WaitForFirstConsumer' && !nodeName) {
      return this.event(pvc, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
    }
    const node = nodeName ? (this.nodes.get(nodeName) ?? { metadata: { name: nodeName, labels: { 'kubernetes.io/hostname': nodeName } } }) : undefined;
    const match = findMatchingVolume(pvc, this.volumes.list(), className, node);
    if (match) return this.bind(pvc, match);
    if (sc?.provisioner === LOCAL_PROVISIONER) return this.provision(pvc, sc, nodeName);
    if (!sc) return this.event(pvc, 'Normal', 'FailedBinding', className ? `storageclass.storage.k8s.io "${className}" not found` : 'no persistent volumes available for this claim and no storage class is set');
    return this.event(pvc, 'Normal', 'ExternalProvisioning', `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually by the system administrator.`);
  }

  private async provision(pvc: PersistentVolumeClaim, sc: StorageClass, selected: string | undefined): Promise<ReconcileResult | void> {
    const existing = this.volumes.get(volumeNameFor(pvc));
    if (existing) return this.bind(pvc, existing);
    const node = selected ?? this.nodes.list().map((n) => n.metadata?.name ?? '').filter(Boolean).sort()[0];
    if (!node) {
      await this.event(pvc, 'Warning', 'ProvisioningFailed', 'no node to place the local volume on: the cluster has no nodes');
      return { requeueAfterMs: 5000 };
    }
    const mode = pvc.spec?.volumeMode ?? 'Filesystem';
    let pv: PersistentVolume;
    try {
      const backing = await createBacking(this.opts.dataDir, volumeNameFor(pvc), mode, requestedBytes(pvc));
      pv = provisionedVolume(pvc, sc, node, backing);
    } catch (e) {
      await this.event(pvc, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${sc.metadata?.name}": ${e instanceof Error ? e.message : String(e)}`);
      return { requeueAfterMs: 30_000 };
    }
    try {
      pv = await this.client.create<PersistentVolume>(PVS, pv);
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 409)) {
        await removeBacking(this.opts.dataDir, pv);
        throw e;
      }
      pv = await this.client.get<PersistentVolume>(`${PVS}/${pv.metadata?.name}`);
    }
    await this.event(pvc, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pv.metadata?.name}`);
    return this.bind(pvc, pv);
  }

  /** Binds both ways: PV claimRef + phase Bound, then PVC volumeName + status Bound. */
  private async bind(pvc: PersistentVolumeClaim, pv: PersistentVolume): Promise<void> {
    const name = pv.metadata?.name ?? '';
    const claimRef = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: pvc.metadata?.namespace, name: pvc.metadata?.name, uid: pvc.metadata?.uid, resourceVersion: pvc.metadata?.resourceVersion };
    if (pv.spec?.claimRef?.uid !== pvc.metadata?.uid) {
      pv = await this.client.patch<PersistentVolume>(`${PVS}/${name}`, { metadata: { resourceVersion: pv.metadata?.resourceVersion, annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' } }, spec: { claimRef } });
    }
    if (pv.status?.phase !== 'Bound') await this.client.patch(`${PVS}/${name}/status`, { status: { phase: 'Bound' } });
    if (pvc.spec?.volumeName !== name || pvc.metadata?.annotations?.['pv.kubernetes.io/bind-completed'] !== 'yes') {
      await this.client.patch(claimPath(pvc), { metadata: { annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' } }, spec: { volumeName: name } });
    }
    await this.client.patch(`${claimPath(pvc)}/status`, { status: { phase: 'Bound', capacity: pv.spec?.capacity ?? {}, accessModes: pv.spec?.accessModes ?? [] } });
  }

  private async syncVolume(name: string): Promise<void> {
    const pv = this.volumes.get(name);
    if (!pv || pv.metadata?.deletionTimestamp) return;
    const ref = pv.spec?.claimRef;
    if (!ref?.uid) {
      if (pv.status?.phase !== 'Available') await this.client.patch(`${PVS}/${name}/status`, { status: { phase: 'Available' } });
      return;
    }
    const claim = this.claims.get(`${ref.namespace}/${ref.name}`);
    if (claim?.metadata?.uid === ref.uid) return;
    const live = await this.client.get<PersistentVolumeClaim>(`/api/v1/namespaces/${ref.namespace}/persistentvolumeclaims/${ref.name}`).catch((e: unknown) => {
      if (e instanceof StatusError && e.code === 404) return undefined;
      throw e;
    });
    if (live?.metadata?.uid === ref.uid) return;
    if (pv.status?.phase !== 'Released') await this.client.patch(`${PVS}/${name}/status`, { status: { phase: 'Released' } });
    if (pv.spec?.persistentVolumeReclaimPolicy !== 'Delete') return;
    if (pv.metadata?.annotations?.[PROVISIONED_BY] !== LOCAL_PROVISIONER) return;
    await removeBacking(this.opts.dataDir, pv);
    await this.client.delete(`${PVS}/${name}`).catch((e: unknown) => {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
    });
  }

  private async event(pvc: PersistentVolumeClaim, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    await this.events.record(pvc, type, reason, message, (e) => this.opts.log?.(`event for ${keyOf(pvc)}: ${String(e)}`));
  }
}

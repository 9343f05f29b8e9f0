/**
 * Defaults of the apps/v1 and batch/v1 workload kinds as kube-apiserver applies them on create
 * (what `kubectl get -o yaml` shows): replicas, update strategies, history limits, job settings.
 */
import { child, rec, recs, setDefault, str, type Obj } from '../util.js';
import { defaultPodTemplate } from './pod.js';
import { defaultPVCSpec } from './core.js';

/** apps/v1 Deployment. */
export function defaultDeployment(d: Obj): void {
  const spec = child(d, 'spec');
  setDefault(spec, 'replicas', 1);
  const strategy = child(spec, 'strategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = child(strategy, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', '25%');
    setDefault(ru, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplate(rec(spec.template));
}

/** apps/v1 ReplicaSet. */
export function defaultReplicaSet(rs: Obj): void {
  const spec = child(rs, 'spec');
  setDefault(spec, 'replicas', 1);
  defaultPodTemplate(rec(spec.template));
}

/** apps/v1 DaemonSet. */
export function defaultDaemonSet(ds: Obj): void {
  const spec = child(ds, 'spec');
  const strategy = child(spec, 'updateStrategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = child(strategy, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', 1);
    setDefault(ru, 'maxSurge', 0);
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(rec(spec.template));
}

/** apps/v1 StatefulSet. */
export function defaultStatefulSet(sts: Obj): void {
  const spec = child(sts, 'spec');
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = child(spec, 'updateStrategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') setDefault(child(strategy, 'rollingUpdate'), 'partition', 0);
  setDefault(spec, 'revisionHistoryLimit', 10);
  const retention = child(spec, 'persistentVolumeClaimRetentionPolicy');
  setDefault(retention, 'whenDeleted', 'Retain');
  setDefault(retention, 'whenScaled', 'Retain');
  for (const t of recs(spec.volumeClaimTemplates)) {
    defaultPVCSpec(child(t, 'spec'));
    setDefault(child(t, 'status'), 'phase', 'Pending');
  }
  defaultPodTemplate(rec(spec.template));
}

/** Labels the Job strategy puts on its generated selector and template (needs metadata.uid). */
function generateJobSelector(job: Obj, spec: Obj): void {
  const meta = rec(job.metadata) ?? {};
  const uid = str(meta.uid);
  if (spec.manualSelector === true || uid === undefined) return;
  const labels: Record<string, string> = {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': str(meta.name) ?? '',
    'controller-uid': uid,
    'job-name': str(meta.name) ?? '',
  };
  const template = child(spec, 'template');
  const tmeta = child(template, 'metadata');
  tmeta.labels = { ...(rec(tmeta.labels) ?? {}), ...labels };
  if (spec.selector === undefined) spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
}

/** batch/v1 JobSpec (Jobs and CronJob job templates). */
export function defaultJobSpec(spec: Obj): void {
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'backoffLimit', 6);
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'podReplacementPolicy', 'TerminatingOrFailed');
  defaultPodTemplate(rec(spec.template));
}

/** batch/v1 Job; the generated selector needs metadata.uid, so call this after the uid is set. */
export function defaultJob(job: Obj): void {
  const spec = child(job, 'spec');
  defaultJobSpec(spec);
  generateJobSelector(job, spec);
}

/** batch/v1 CronJob. */
export function defaultCronJob(cj: Obj): void {
  const spec = child(cj, 'spec');
  setDefault(spec, 'concurrencyPolicy', 'Allow');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'successfulJobsHistoryLimit', 3);
  setDefault(spec, 'failedJobsHistoryLimit', 1);
  defaultJobSpec(child(child(spec, 'jobTemplate'), 'spec'));
}

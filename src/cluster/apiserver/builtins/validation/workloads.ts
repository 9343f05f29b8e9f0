/**
 * apps/v1 and batch/v1 workloads and policy/v1 PodDisruptionBudget: selectors that are
 * required, match the template labels and never change, template restart policies, strategies.
 */
import { FieldPath, forbidden, invalid, notSupported, required, type FieldError } from '../../../../api/meta/index.js';
import { jsonEqual } from '../../../../api/meta/json.js';
import { rec, recs, str, type Obj, text } from '../util.js';
import { validateLabels, validateLabelSelector } from './meta.js';
import { FIELD_IMMUTABLE, IS_NEGATIVE_ERROR } from './names.js';
import { validatePodSpec } from './pod.js';
import { selectorIsEmpty, selectorMatches } from './selector.js';
import { validatePVCSpec } from './storage.js';

const SPEC = FieldPath.root('spec');

function nonNegative(spec: Obj, fields: string[], path: FieldPath): FieldError[] {
  return fields.filter((f) => typeof spec[f] === 'number' && (spec[f]) < 0).map((f) => invalid(path.child(f), spec[f], IS_NEGATIVE_ERROR));
}

function validateTemplate(template: unknown, path: FieldPath, restartPolicies: string[]): FieldError[] {
  const t = rec(template);
  if (!t) return [required(path, '')];
  const errs = validateLabels(rec(t.metadata)?.labels, path.child('metadata', 'labels'));
  const spec = rec(t.spec) ?? {};
  errs.push(...validatePodSpec(spec, path.child('spec')));
  const rp = spec.restartPolicy;
  if (rp !== undefined && !restartPolicies.includes(text(rp))) errs.push(notSupported(path.child('spec', 'restartPolicy'), rp, restartPolicies));
  return errs;
}

/** Selector required and non-empty, template labels matching it (Deployment, ReplicaSet, DaemonSet, StatefulSet). */
function validateSelectorAndTemplate(spec: Obj, kindLower: string, restartPolicies: string[]): FieldError[] {
  const errs: FieldError[] = [];
  if (!rec(spec.selector)) errs.push(required(SPEC.child('selector'), ''));
  else if (selectorIsEmpty(spec.selector)) errs.push(invalid(SPEC.child('selector'), spec.selector, `empty selector is invalid for ${kindLower}`));
  else errs.push(...validateLabelSelector(spec.selector, SPEC.child('selector')));
  const labels = rec(rec(rec(spec.template)?.metadata)?.labels);
  if (rec(spec.selector) && !selectorIsEmpty(spec.selector) && !selectorMatches(spec.selector, labels)) {
    errs.push(invalid(SPEC.child('template', 'metadata', 'labels'), labels ?? {}, '`selector` does not match template `labels`'));
  }
  errs.push(...validateTemplate(spec.template, SPEC.child('template'), restartPolicies));
  return errs;
}

function selectorImmutable(spec: Obj, old: Obj | undefined): FieldError[] {
  const oldSel = rec(old?.spec)?.selector;
  return old && !jsonEqual(spec.selector, oldSel) ? [invalid(SPEC.child('selector'), spec.selector ?? null, FIELD_IMMUTABLE)] : [];
}

function validateRollingStrategy(strategy: Obj | undefined, path: FieldPath, types: string[], noRolling: string): FieldError[] {
  if (!strategy) return [];
  const type = strategy.type;
  if (type !== undefined && !types.includes(text(type))) return [notSupported(path.child('type'), type, types)];
  if (type === noRolling && strategy.rollingUpdate !== undefined) {
    return [forbidden(path.child('rollingUpdate'), `may not be specified when strategy \`type\` is '${noRolling}'`)];
  }
  const ru = rec(strategy.rollingUpdate);
  if (ru && (ru.maxUnavailable === 0 || ru.maxUnavailable === '0%') && (ru.maxSurge === 0 || ru.maxSurge === '0%')) {
    return [invalid(path.child('rollingUpdate', 'maxUnavailable'), ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0')];
  }
  return [];
}

/** apps/v1 Deployment. */
export function validateDeployment(d: Obj, old?: Obj): FieldError[] {
  const spec = rec(d.spec) ?? {};
  const errs = nonNegative(spec, ['replicas', 'minReadySeconds', 'revisionHistoryLimit'], SPEC);
  errs.push(...validateSelectorAndTemplate(spec, 'deployment', ['Always']));
  errs.push(...validateRollingStrategy(rec(spec.strategy), SPEC.child('strategy'), ['Recreate', 'RollingUpdate'], 'Recreate'));
  const pds = spec.progressDeadlineSeconds;
  if (typeof pds === 'number' && typeof spec.minReadySeconds === 'number' && pds <= spec.minReadySeconds) {
    errs.push(invalid(SPEC.child('progressDeadlineSeconds'), pds, 'must be greater than minReadySeconds'));
  }
  errs.push(...selectorImmutable(spec, old));
  return errs;
}

/** apps/v1 ReplicaSet. */
export function validateReplicaSet(rs: Obj, old?: Obj): FieldError[] {
  const spec = rec(rs.spec) ?? {};
  const errs = nonNegative(spec, ['replicas', 'minReadySeconds'], SPEC);
  errs.push(...validateSelectorAndTemplate(spec, 'replicaset', ['Always']));
  errs.push(...selectorImmutable(spec, old));
  return errs;
}

/** apps/v1 DaemonSet. */
export function validateDaemonSet(ds: Obj, old?: Obj): FieldError[] {
  const spec = rec(ds.spec) ?? {};
  const errs = nonNegative(spec, ['minReadySeconds', 'revisionHistoryLimit'], SPEC);
  errs.push(...validateSelectorAndTemplate(spec, 'daemonset', ['Always']));
  errs.push(...validateRollingStrategy(rec(spec.updateStrategy), SPEC.child('updateStrategy'), ['OnDelete', 'RollingUpdate'], 'OnDelete'));
  errs.push(...selectorImmutable(spec, old));
  return errs;
}

const STS_UPDATE_MESSAGE =
  "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

/** apps/v1 StatefulSet. */
export function validateStatefulSet(sts: Obj, old?: Obj): FieldError[] {
  const spec = rec(sts.spec) ?? {};
  const errs = nonNegative(spec, ['replicas', 'minReadySeconds', 'revisionHistoryLimit'], SPEC);
  errs.push(...validateSelectorAndTemplate(spec, 'statefulset', ['Always']));
  const pmp = spec.podManagementPolicy;
  if (pmp !== undefined && !['OrderedReady', 'Parallel'].includes(text(pmp))) errs.push(notSupported(SPEC.child('podManagementPolicy'), pmp, ['OrderedReady', 'Parallel']));
  errs.push(...validateRollingStrategy(rec(spec.updateStrategy), SPEC.child('updateStrategy'), ['OnDelete', 'RollingUpdate'], 'OnDelete'));
  recs(spec.volumeClaimTemplates).forEach((t, i) => errs.push(...validatePVCSpec(rec(t.spec) ?? {}, SPEC.child('volumeClaimTemplates').index(i).child('spec'))));
  if (old) {
    const strip = (s: Obj): Obj => ({ ...s, replicas: undefined, ordinals: undefined, template: undefined, updateStrategy: undefined, persistentVolumeClaimRetentionPolicy: undefined, minReadySeconds: undefined });
    if (!jsonEqual(strip(spec), strip(rec(old.spec) ?? {}))) errs.push(forbidden(SPEC, STS_UPDATE_MESSAGE));
  }
  return errs;
}

/** A JobSpec at `path` (Jobs and CronJob job templates). */
function validateJobSpec(spec: Obj, path: FieldPath): FieldError[] {
  const errs = nonNegative(spec, ['parallelism', 'completions', 'backoffLimit', 'activeDeadlineSeconds', 'ttlSecondsAfterFinished'], path);
  const mode = spec.completionMode;
  if (mode !== undefined && !['NonIndexed', 'Indexed'].includes(text(mode))) errs.push(notSupported(path.child('completionMode'), mode, ['NonIndexed', 'Indexed']));
  if (mode === 'Indexed' && spec.completions === undefined) errs.push(required(path.child('completions'), 'when completion mode is Indexed'));
  if (spec.manualSelector === true && !rec(spec.selector)) errs.push(required(path.child('selector'), ''));
  if (rec(spec.selector)) {
    errs.push(...validateLabelSelector(spec.selector, path.child('selector')));
    const labels = rec(rec(rec(spec.template)?.metadata)?.labels);
    if (!selectorMatches(spec.selector, labels)) errs.push(invalid(path.child('template', 'metadata', 'labels'), labels ?? {}, '`selector` does not match template `labels`'));
  }
  errs.push(...validateTemplate(spec.template, path.child('template'), ['OnFailure', 'Never']));
  return errs;
}

/** batch/v1 Job (selector, template and completions are immutable). */
export function validateJob(job: Obj, old?: Obj): FieldError[] {
  const spec = rec(job.spec) ?? {};
  const errs = validateJobSpec(spec, SPEC);
  if (old) {
    const oldSpec = rec(old.spec) ?? {};
    errs.push(...selectorImmutable(spec, old));
    if (!jsonEqual(spec.template, oldSpec.template)) errs.push(invalid(SPEC.child('template'), spec.template, FIELD_IMMUTABLE));
    if (spec.completionMode !== oldSpec.completionMode) errs.push(invalid(SPEC.child('completionMode'), spec.completionMode, FIELD_IMMUTABLE));
    if (spec.completionMode !== 'Indexed' && spec.completions !== oldSpec.completions) errs.push(invalid(SPEC.child('completions'), spec.completions, FIELD_IMMUTABLE));
  }
  return errs;
}

const CRON_MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** batch/v1 CronJob. */
export function validateCronJob(cj: Obj): FieldError[] {
  const spec = rec(cj.spec) ?? {};
  const errs: FieldError[] = [];
  const name = str(rec(cj.metadata)?.name) ?? '';
  if (name.length > 52) errs.push(invalid(FieldPath.root('metadata', 'name'), name, 'must be no more than 52 characters'));
  const schedule = str(spec.schedule) ?? '';
  if (schedule === '') errs.push(required(SPEC.child('schedule'), ''));
  else {
    const fields = schedule.replace(/^(CRON_)?TZ=\S+\s+/, '').trim().split(/\s+/);
    const ok = (fields.length === 1 && (CRON_MACROS.has(fields[0]!) || /^@every\s/.test(schedule))) || fields.length === 5;
    if (!ok) errs.push(invalid(SPEC.child('schedule'), schedule, `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`));
  }
  const cp = spec.concurrencyPolicy;
  if (cp !== undefined && !['Allow', 'Forbid', 'Replace'].includes(text(cp))) errs.push(notSupported(SPEC.child('concurrencyPolicy'), cp, ['Allow', 'Forbid', 'Replace']));
  errs.push(...nonNegative(spec, ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit'], SPEC));
  errs.push(...validateJobSpec(rec(rec(spec.jobTemplate)?.spec) ?? {}, SPEC.child('jobTemplate', 'spec')));
  return errs;
}

function validateIntOrPercent(v: unknown, path: FieldPath): FieldError[] {
  if (v === undefined) return [];
  if (typeof v === 'number') return v < 0 ? [invalid(path, v, IS_NEGATIVE_ERROR)] : [];
  const s = text(v);
  if (!/^[0-9]+%$/.test(s)) return [invalid(path, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")];
  return Number(s.slice(0, -1)) > 100 ? [invalid(path, v, 'must not be greater than 100%')] : [];
}

/** policy/v1 PodDisruptionBudget. */
export function validatePDB(pdb: Obj): FieldError[] {
  const spec = rec(pdb.spec) ?? {};
  const errs: FieldError[] = [];
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) errs.push(invalid(SPEC, spec, 'minAvailable and maxUnavailable cannot be both set'));
  errs.push(...validateIntOrPercent(spec.minAvailable, SPEC.child('minAvailable')));
  errs.push(...validateIntOrPercent(spec.maxUnavailable, SPEC.child('maxUnavailable')));
  errs.push(...validateLabelSelector(spec.selector, SPEC.child('selector')));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (policy !== undefined && !['AlwaysAllow', 'IfHealthyBudget'].includes(text(policy))) {
    errs.push(notSupported(SPEC.child('unhealthyPodEvictionPolicy'), policy, ['AlwaysAllow', 'IfHealthyBudget']));
  }
  return errs;
}

/** apps/v1 ControllerRevision: revision non-negative, data immutable. */
export function validateControllerRevision(cr: Obj, old?: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (typeof cr.revision === 'number' && cr.revision < 0) errs.push(invalid(FieldPath.root('revision'), cr.revision, IS_NEGATIVE_ERROR));
  if (old && !jsonEqual(cr.data, old.data)) errs.push(invalid(FieldPath.root('data'), cr.data ?? null, FIELD_IMMUTABLE));
  return errs;
}

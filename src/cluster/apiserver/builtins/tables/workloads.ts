/**
 * Tables of workloads: deployments, replica sets, daemon sets, stateful sets, jobs, cron jobs,
 * controller revisions and pod disruption budgets.
 */
import { arr, rec, recs, str, text, type Obj } from '../util.js';
import { AGE_COLUMN, ageOf, col, containersAndImages, formatLabels, formatLabelSelector, metaOf, NAME_COLUMN, nameOf, num, wide } from './columns.js';
import type { Printer } from './core.js';
import { humanDuration, translateTimestampSince } from './duration.js';

const WIDE_TEMPLATE = [
  wide('Containers', 'Names of each container in the template.'),
  wide('Images', 'Images referenced by each container in the template.'),
  wide('Selector', 'Label selector for pods.'),
];

function templateCells(spec: Obj, selector = true): string[] {
  const [containers, images] = containersAndImages(rec(rec(spec.template)?.spec));
  return selector ? [containers, images, formatLabelSelector(spec.selector)] : [containers, images];
}

const parts = (o: Obj): { spec: Obj; status: Obj } => ({ spec: rec(o.spec) ?? {}, status: rec(o.status) ?? {} });

const deployment: Printer = {
  columns: [
    NAME_COLUMN,
    col('Ready', 'Number of the pod with ready state'),
    col('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', { type: 'integer' }),
    col('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', { type: 'integer' }),
    AGE_COLUMN,
    ...WIDE_TEMPLATE,
  ],
  row(o, now) {
    const { spec, status } = parts(o);
    return [nameOf(o), `${num(status.readyReplicas)}/${num(spec.replicas)}`, num(status.updatedReplicas), num(status.availableReplicas), ageOf(o, now), ...templateCells(spec)];
  },
};

const replicaSet: Printer = {
  columns: [
    NAME_COLUMN,
    col('Desired', 'Replicas is the number of desired replicas.', { type: 'integer' }),
    col('Current', 'Replicas is the most recently observed number of replicas.', { type: 'integer' }),
    col('Ready', 'The number of ready replicas for this replica set.', { type: 'integer' }),
    AGE_COLUMN,
    ...WIDE_TEMPLATE,
  ],
  row(o, now) {
    const { spec, status } = parts(o);
    return [nameOf(o), num(spec.replicas), num(status.replicas), num(status.readyReplicas), ageOf(o, now), ...templateCells(spec)];
  },
};

const daemonSet: Printer = {
  columns: [
    NAME_COLUMN,
    col('Desired', 'The total number of nodes that should be running the daemon pod.', { type: 'integer' }),
    col('Current', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.', { type: 'integer' }),
    col('Ready', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.', { type: 'integer' }),
    col('Up-to-date', 'The total number of nodes that are running updated daemon pod', { type: 'integer' }),
    col('Available', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.', { type: 'integer' }),
    col('Node Selector', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
    AGE_COLUMN,
    ...WIDE_TEMPLATE,
  ],
  row(o, now) {
    const { spec, status } = parts(o);
    const nodeSelector = formatLabels(rec(rec(spec.template)?.spec)?.nodeSelector);
    return [
      nameOf(o), num(status.desiredNumberScheduled), num(status.currentNumberScheduled), num(status.numberReady), num(status.updatedNumberScheduled),
      num(status.numberAvailable), nodeSelector, ageOf(o, now), ...templateCells(spec),
    ];
  },
};

const statefulSet: Printer = {
  columns: [NAME_COLUMN, col('Ready', 'Number of the pod with ready state'), AGE_COLUMN, WIDE_TEMPLATE[0]!, WIDE_TEMPLATE[1]!],
  row(o, now) {
    const { spec, status } = parts(o);
    return [nameOf(o), `${num(status.readyReplicas)}/${num(spec.replicas)}`, ageOf(o, now), ...templateCells(spec, false)];
  },
};

const hasCondition = (status: Obj, type: string): boolean => recs(status.conditions).some((c) => c.type === type && c.status === 'True');

function jobStatus(o: Obj, status: Obj): string {
  if (hasCondition(status, 'Complete')) return 'Complete';
  if (hasCondition(status, 'Failed')) return 'Failed';
  if (metaOf(o).deletionTimestamp) return 'Terminating';
  if (hasCondition(status, 'Suspended')) return 'Suspended';
  if (hasCondition(status, 'FailureTarget')) return 'FailureTarget';
  if (hasCondition(status, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

const job: Printer = {
  columns: [
    NAME_COLUMN,
    col('Status', 'Status of the job.'),
    col('Completions', 'The desired number of successfully finished pods the job should be run with.'),
    col('Duration', 'Time required to complete the job.'),
    AGE_COLUMN,
    ...WIDE_TEMPLATE,
  ],
  row(o, now) {
    const { spec, status } = parts(o);
    const succeeded = num(status.succeeded);
    let completions: string;
    if (typeof spec.completions === 'number') completions = `${succeeded}/${spec.completions}`;
    else completions = num(spec.parallelism) > 1 ? `${succeeded}/1 of ${num(spec.parallelism)}` : `${succeeded}/1`;
    const start = typeof status.startTime === 'string' ? Date.parse(status.startTime) : NaN;
    const end = typeof status.completionTime === 'string' ? Date.parse(status.completionTime) : now;
    const duration = Number.isNaN(start) ? '' : humanDuration(end - start);
    return [nameOf(o), jobStatus(o, status), completions, duration, ageOf(o, now), ...templateCells(spec)];
  },
};

const cronJob: Printer = {
  columns: [
    NAME_COLUMN,
    col('Schedule', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    col('Timezone', 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.'),
    col('Suspend', 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.', { type: 'boolean' }),
    col('Active', 'A list of pointers to currently running jobs.', { type: 'integer' }),
    col('Last Schedule', 'Information when was the last time the job was successfully scheduled.'),
    AGE_COLUMN,
    ...WIDE_TEMPLATE,
  ],
  row(o, now) {
    const { spec, status } = parts(o);
    const jobSpec = rec(rec(spec.jobTemplate)?.spec) ?? {};
    const last = typeof status.lastScheduleTime === 'string' ? translateTimestampSince(status.lastScheduleTime, now) : '<none>';
    return [
      nameOf(o), str(spec.schedule) ?? '', str(spec.timeZone) ?? '<none>', spec.suspend === true ? 'True' : 'False', arr(status.active).length, last, ageOf(o, now),
      ...templateCells(jobSpec),
    ];
  },
};

const controllerRevision: Printer = {
  columns: [NAME_COLUMN, col('Controller', 'Controller of the object'), col('Revision', 'Revision indicates the revision of the state represented by Data.', { type: 'integer' }), AGE_COLUMN],
  row(o, now) {
    const ref = recs(metaOf(o).ownerReferences).find((r) => r.controller === true);
    let controller = '<none>';
    if (ref) {
      const apiVersion = str(ref.apiVersion) ?? '';
      const group = apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
      const kind = (str(ref.kind) ?? '').toLowerCase();
      controller = `${group ? `${kind}.${group}` : kind}/${str(ref.name) ?? ''}`;
    }
    return [nameOf(o), controller, num(o.revision), ageOf(o, now)];
  },
};

const pdb: Printer = {
  columns: [
    NAME_COLUMN,
    col('Min Available', 'The minimum number of pods that must be available simultaneously.'),
    col('Max Unavailable', 'The maximum number of pods that may be unavailable simultaneously.'),
    col('Allowed Disruptions', 'Calculated number of pods that may be disrupted at this time.', { type: 'integer' }),
    AGE_COLUMN,
  ],
  row(o, now) {
    const { spec, status } = parts(o);
    const show = (v: unknown): string => (v === undefined || v === null ? 'N/A' : text(v));
    return [nameOf(o), show(spec.minAvailable), show(spec.maxUnavailable), num(status.disruptionsAllowed), ageOf(o, now)];
  },
};

/** Printers of apps/v1, batch/v1 and policy/v1 kinds, keyed by group/kind. */
export const workloadPrinters: Record<string, Printer> = {
  'apps/Deployment': deployment,
  'apps/ReplicaSet': replicaSet,
  'apps/DaemonSet': daemonSet,
  'apps/StatefulSet': statefulSet,
  'apps/ControllerRevision': controllerRevision,
  'batch/Job': job,
  'batch/CronJob': cronJob,
  'policy/PodDisruptionBudget': pdb,
};

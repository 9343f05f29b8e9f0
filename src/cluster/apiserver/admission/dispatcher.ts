/**
 * Calls admission webhooks like kube-apiserver: mutating webhooks one after another (configurations
 * sorted by name, webhooks in order, IfNeeded ones reinvoked once), then validating webhooks all
 * at once; failurePolicy, dry-run side effects, timeouts and denials handled as upstream.
 */
import { randomUUID } from 'node:crypto';
import type fastJsonPatch from 'fast-json-patch';
import { StatusError, badRequest, internalError, type KubeObject } from '../../../api/meta/index.js';
import type { ResourceInfo } from '../contracts.js';
import { postJsonText, type ServiceResolver } from './call.js';
import { WebhookEndpoints } from './endpoints.js';
import { applyWebhookPatch } from './json-patch.js';
import {
  isExemptResource,
  matchingResource,
  mayMatch,
  ruleResources,
  namespaceSelectorMatches,
  objectSelectorMatches,
  type EquivalentResources,
  type NamespaceLabels,
} from './match.js';
import {
  WebhookCallError,
  atVersion,
  denialError,
  parseReviewResponse,
  reviewText,
  reviewVersionFor,
  type ReviewOutcome,
} from './review.js';
import type { AdmissionAttributes, Webhook } from './types.js';

const DEFAULT_TIMEOUT_SECONDS = 10;

export interface WebhookDispatcherOptions {
  /** Current MutatingWebhookConfiguration objects (admissionregistration.k8s.io/v1). */
  readonly mutatingConfigurations: () => readonly KubeObject[];
  /** Current ValidatingWebhookConfiguration objects. */
  readonly validatingConfigurations: () => readonly KubeObject[];
  readonly namespaceLabels: NamespaceLabels;
  readonly resolveService: ServiceResolver;
  /** For matchPolicy Equivalent: the other versions serving the same objects. */
  readonly equivalentResources?: EquivalentResources;
}

interface Candidate {
  readonly webhook: Webhook;
  /** The resource version the webhook is called with. */
  readonly info: ResourceInfo;
}

/** The webhooks of a configuration list in call order, and the resources their rules name. */
interface WebhookList {
  readonly webhooks: readonly Webhook[];
  readonly resources: ReadonlySet<string> | undefined;
}

/** Per configuration list: the store hands out the same frozen list until a configuration changes. */
const webhookLists = new WeakMap<readonly KubeObject[], WebhookList>();

function webhooksOf(configs: readonly KubeObject[]): WebhookList {
  let list = webhookLists.get(configs);
  if (!list) {
    const webhooks = [...configs]
      .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))
      .flatMap((c) => (Array.isArray(c.webhooks) ? (c.webhooks as Webhook[]) : []));
    list = { webhooks, resources: ruleResources(webhooks) };
    if (Object.isFrozen(configs)) webhookLists.set(configs, list);
  }
  return list;
}

/** Sends AdmissionReviews to the webhooks a request matches. */
export class WebhookDispatcher {
  private readonly endpoints = new WebhookEndpoints();
  /**
   * JSON text of the objects under admission, sent to every webhook of the request (mutating and
   * validating) without serialising them again. Callers do not change an object they handed to
   * admission, except the new one mutate returns (whose text is not kept); validate drops the texts.
   */
  private readonly texts = new WeakMap<object, string>();

  constructor(private readonly opts: WebhookDispatcherOptions) {}

  /**
   * Runs matching mutating webhooks in order and returns the object as they patched it
   * (attrs.object unchanged when none match). Throws StatusError on denial or failure.
   */
  async mutate(attrs: AdmissionAttributes): Promise<KubeObject | undefined> {
    const candidates = await this.candidates(this.opts.mutatingConfigurations(), attrs);
    let object = attrs.object;
    let changes = 0;
    const calledAt = new Map<Candidate, number>();
    // Whether a patch changed the object only matters to reinvocation: skip comparing without it.
    const reinvoking = candidates.some((c) => c.webhook.reinvocationPolicy === 'IfNeeded');
    const run = async (c: Candidate): Promise<void> => {
      calledAt.set(c, changes);
      const outcome = await this.call(c, { ...attrs, object }, true);
      if (outcome?.allowed && outcome.patch && outcome.patch.length > 0 && object) {
        const patched = applyPatch(atVersion(object, c.info)!, outcome.patch);
        const back = atVersion(patched, attrs.resource)!;
        if (reinvoking && JSON.stringify(back) !== JSON.stringify(object)) changes++;
        object = back;
      }
    };
    for (const c of candidates) await run(c);
    // reinvocationPolicy IfNeeded: once more for webhooks that ran before a later change.
    for (const c of candidates) {
      if (c.webhook.reinvocationPolicy === 'IfNeeded' && (calledAt.get(c) ?? changes) < changes) await run(c);
    }
    if (object && object !== attrs.object) this.texts.delete(object);
    return object;
  }

  /** Runs matching validating webhooks concurrently; throws the first denial or failure. */
  async validate(attrs: AdmissionAttributes): Promise<void> {
    const candidates = await this.candidates(this.opts.validatingConfigurations(), attrs);
    const results = await Promise.allSettled(candidates.map((c) => this.call(c, attrs, false)));
    this.forget(attrs);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Drops the kept JSON text of a request's objects (its admission is over). */
  forget(attrs: Pick<AdmissionAttributes, 'object' | 'oldObject'>): void {
    if (attrs.object) this.texts.delete(attrs.object);
    if (attrs.oldObject) this.texts.delete(attrs.oldObject);
  }

  /** Closes kept-alive connections to webhooks. */
  close(): void {
    this.endpoints.close();
  }

  private async candidates(configs: readonly KubeObject[], attrs: AdmissionAttributes): Promise<Candidate[]> {
    if (isExemptResource(attrs.resource)) return [];
    const list = webhooksOf(configs);
    // Most requests (events, pods, leases...) are for resources no webhook names.
    if (!mayMatch(list.resources, attrs, this.opts.equivalentResources)) return [];
    const out: Candidate[] = [];
    for (const webhook of list.webhooks) {
      const info = matchingResource(webhook, attrs, this.opts.equivalentResources);
      if (!info) continue;
      if (!(await namespaceSelectorMatches(webhook, attrs, this.opts.namespaceLabels))) continue;
      if (!objectSelectorMatches(webhook, attrs)) continue;
      out.push({ webhook, info });
    }
    return out;
  }

  /** One call; undefined when it failed and failurePolicy is Ignore. Denials throw. */
  private async call(c: Candidate, attrs: AdmissionAttributes, mutating: boolean): Promise<ReviewOutcome | undefined> {
    const w = c.webhook;
    if (attrs.dryRun && w.sideEffects !== 'None' && w.sideEffects !== 'NoneOnDryRun') {
      throw badRequest(`admission webhook "${w.name}" does not support dry run`);
    }
    let outcome: ReviewOutcome;
    try {
      outcome = await this.exchange(c, attrs, mutating);
    } catch (err) {
      if (!(err instanceof WebhookCallError)) throw err;
      if ((w.failurePolicy ?? 'Fail') === 'Ignore') return undefined;
      throw internalError(err.message, err);
    }
    for (const warning of outcome.warnings) attrs.warn?.(warning);
    if (!outcome.allowed) throw denialError(w.name, outcome.status);
    return outcome;
  }

  private async exchange(c: Candidate, attrs: AdmissionAttributes, mutating: boolean): Promise<ReviewOutcome> {
    const w = c.webhook;
    const version = reviewVersionFor(w.name, w.admissionReviewVersions);
    const uid = randomUUID();
    const timeoutSeconds = w.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    let body: unknown;
    try {
      const plan = await this.endpoints.plan(w.clientConfig, timeoutSeconds);
      const target = await this.endpoints.target(plan, this.opts.resolveService);
      body = await postJsonText(this.endpoints.pool(plan, target), target, reviewText(version, uid, attrs, c.info, this.texts), timeoutSeconds * 1000);
    } catch (err) {
      throw new WebhookCallError(w.name, `failed to call webhook: ${err instanceof Error ? err.message : String(err)}`);
    }
    return parseReviewResponse(w.name, body, { uid, version, mutating });
  }
}

/**
 * Applies a webhook's JSON patch (freshly decoded: ours to give away) copy-on-write: the result
 * shares untouched subtrees with `obj`; a patch that does not apply is a 500 as upstream.
 */
function applyPatch(obj: KubeObject, patch: fastJsonPatch.Operation[]): KubeObject {
  try {
    return applyWebhookPatch(obj, patch);
  } catch (err) {
    if (err instanceof StatusError) throw err;
    throw internalError(err instanceof Error ? err.message : String(err), err);
  }
}

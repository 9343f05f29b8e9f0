/**
 * Admission webhooks for the embedded API server.
 *
 * `new WebhookDispatcher({mutatingConfigurations, validatingConfigurations, namespaceLabels, resolveService})`;
 * for each write the core calls `await d.mutate(attrs)` (returns the patched object), runs its own
 * validation, then `await d.validate(attrs)`. Both throw StatusError (denials keep the webhook's
 * Status: code, reason, details.causes). `d.close()` drops kept-alive connections on shutdown.
 */
export { WebhookDispatcher, type WebhookDispatcherOptions } from './dispatcher.js';
export type { AdmissionAttributes, AdmissionOperation, GroupVersionKind, RuleWithOperations, Webhook, WebhookClientConfig } from './types.js';
export type { EquivalentResources, NamespaceLabels } from './match.js';
export { ruleMatches, isExemptResource } from './match.js';
export { serviceServerName, type ServiceResolver } from './call.js';

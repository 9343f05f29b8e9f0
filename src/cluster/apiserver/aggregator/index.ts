/**
 * API aggregation (apiregistration.k8s.io/v1 APIService) for the embedded API server, and the
 * backend's side of it.
 *
 * Server side: `const agg = new Aggregator({apiServices, resolveService, proxyClientCertificate})`;
 * for each authenticated, authorised request `if (agg.match(path)) await agg.proxy(req, res, user)`
 * (or `agg.proxyUpgrade(req, socket, head, user)` from the 'upgrade' event). Every ~30 s (and on
 * APIService/Service/Endpoints changes) `checkAvailability(apiServices, deps)` returns the APIServices
 * whose Available condition changed; write them through the status subresource (proxying needs Available=True). `aggregatedGroups(apiServices)` gives the /apis discovery entries.
 * Backend side: `verifyFrontProxyRequest(req, requestHeaderCaPem, allowedNames)` -> UserInfo | undefined.
 */
export { Aggregator, type AggregatorOptions } from './aggregator.js';
export { aggregatedGroups, apiServiceForPath, backendTarget, groupVersionOfPath, isAvailable, type APIServiceSpec } from './apiservice.js';
export {
  availabilityChanged,
  availableCondition,
  checkAvailability,
  probeAPIService,
  withAvailableCondition,
  type ProbeDeps,
  type ProbeResult,
} from './availability.js';
export { escapeExtraKey, isFrontProxyCertificate, setIdentityHeaders, userFromIdentityHeaders, verifyFrontProxyRequest } from '../../../common/request-header.js';
export { proxyGet, proxyRequest, proxyUpgradeRequest, type BackendTarget, type ClientCertificate } from './proxy.js';

/**
 * Starts every in-server controller: namespace lifecycle and default ServiceAccounts, garbage
 * collection, the CRD registry, ClusterRole aggregation, PodDisruptionBudget status, and Service
 * Endpoints/EndpointSlices.
 */
import type { RestDeps } from '../rest/context.js';
import { startCrdController } from './crd.js';
import { startDisruptionController } from './disruption.js';
import { startEndpointsController } from './endpoints/controller.js';
import { startGarbageCollector } from './gc.js';
import { startNamespaceController } from './namespace.js';
import { startRbacAggregation } from './rbac-aggregation.js';

/** The running controllers. */
export interface Controllers {
  /** Resolves when every controller has processed what was queued at start. */
  ready(): Promise<void>;
  /** Resolves when every controller is idle (tests). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the controllers; the CRD registry first, so stored custom resources are served at once. */
export function startControllers(deps: RestDeps): Controllers {
  const cs = [startCrdController(deps), startRbacAggregation(deps), startNamespaceController(deps), startGarbageCollector(deps), startDisruptionController(deps), startEndpointsController(deps)];
  const idle = async (): Promise<void> => {
    await Promise.all(cs.map((c) => c.idle()));
  };
  return {
    ready: idle,
    idle,
    stop: async () => {
      await Promise.all(cs.map((c) => c.stop()));
    },
  };
}

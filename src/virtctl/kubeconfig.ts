/**
 * Kubeconfig resolution as kubectl does it: --kubeconfig, else $KUBECONFIG (a path list, merged),
 * else ~/.kube/config, else the in-cluster service account; --context picks a context; the
 * namespace is --namespace, else the context's namespace, else "default".
 */
import { KubeConfig } from '@kubernetes/client-node';
import type { GlobalOptions } from './api.js';
import { VirtctlError } from './errors.js';

/** Loads the kubeconfig the global flags and environment select. */
export function loadKubeConfig(globals: GlobalOptions): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (globals.kubeconfig) kc.loadFromFile(globals.kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    throw new VirtctlError(`cannot load kubeconfig: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (globals.context) {
    if (!kc.getContextObject(globals.context)) throw new VirtctlError(`context was not found for specified context: ${globals.context}`);
    kc.setCurrentContext(globals.context);
  }
  return kc;
}

/** The namespace commands work in, and whether --namespace chose it. */
export function resolveNamespace(kc: KubeConfig, globals: GlobalOptions): { namespace: string; overridden: boolean } {
  if (globals.namespace) return { namespace: globals.namespace, overridden: true };
  const ctx = kc.getContextObject(kc.getCurrentContext());
  return { namespace: ctx?.namespace || 'default', overridden: false };
}

/**
 * Container probes (exec inside the pod's namespaces, httpGet, tcpSocket) and the pure
 * threshold bookkeeping that turns results into liveness/readiness/startup verdicts.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { execInvocation, type ContainerRuntime } from './exec.js';
import { run } from './procs.js';
import type { ContainerPort, Probe } from './types.js';

/** Consecutive results of one probe. */
export interface ProbeState {
  readonly successes: number;
  readonly failures: number;
  /** The verdict after thresholds: undefined until the first decision. */
  readonly ok?: boolean;
  readonly lastRunMs: number;
}

/** Folds one probe result into its state with the probe's success/failure thresholds. */
export function recordProbe(p: Probe, prev: ProbeState | undefined, success: boolean, now: number): ProbeState {
  const successes = success ? (prev?.successes ?? 0) + 1 : 0;
  const failures = success ? 0 : (prev?.failures ?? 0) + 1;
  let ok = prev?.ok;
  if (success && successes >= (p.successThreshold ?? 1)) ok = true;
  if (!success && failures >= (p.failureThreshold ?? 3)) ok = false;
  return { successes, failures, ok, lastRunMs: now };
}

/** Whether the probe is due at `now` for a container started at `startedMs`. */
export function probeDue(p: Probe, prev: ProbeState | undefined, startedMs: number, now: number): boolean {
  if (now < startedMs + (p.initialDelaySeconds ?? 0) * 1000) return false;
  return !prev || now >= prev.lastRunMs + (p.periodSeconds ?? 10) * 1000;
}

function resolvePort(port: number | string, ports: readonly ContainerPort[] | undefined): number {
  if (typeof port === 'number') return port;
  const named = ports?.find((p) => p.name === port)?.containerPort;
  return named ?? Number(port);
}

/**
 * Runs one probe; resolves true on success. `sandboxPid` is the pod's namespace holder; with the
 * container's `runtime` an exec probe runs as `kubectl exec` does (its env, working dir and image root).
 */
export async function runProbe(p: Probe, ctx: { sandboxPid: number; ip: string; ports?: readonly ContainerPort[]; runtime?: Omit<ContainerRuntime, 'sandboxPid'> }): Promise<boolean> {
  const timeoutMs = (p.timeoutSeconds ?? 1) * 1000;
  try {
    if (p.exec?.command?.length) {
      if (!ctx.runtime) {
        await run(['nsenter', '-t', String(ctx.sandboxPid), '-m', '-n', '--', ...p.exec.command], { timeoutMs });
        return true;
      }
      const { argv, env } = execInvocation({ ...ctx.runtime, sandboxPid: ctx.sandboxPid }, { command: p.exec.command, stdin: false, tty: false });
      await run(argv, { timeoutMs, env });
      return true;
    }
    if (p.httpGet) {
      const port = resolvePort(p.httpGet.port, ctx.ports);
      const mod = p.httpGet.scheme === 'HTTPS' ? https : http;
      return await new Promise<boolean>((resolve) => {
        const req = mod.get({ host: p.httpGet?.host ?? ctx.ip, port, path: p.httpGet?.path ?? '/', timeout: timeoutMs, rejectUnauthorized: false, headers: { 'User-Agent': 'kube-probe/1.33' } }, (res) => {
          res.resume();
          const code = res.statusCode ?? 0;
          resolve(code >= 200 && code < 400);
        });
        req.on('timeout', () => req.destroy());
        req.on('error', () => resolve(false));
      });
    }
    if (p.tcpSocket) {
      const port = resolvePort(p.tcpSocket.port, ctx.ports);
      return await new Promise<boolean>((resolve) => {
        const s = net.connect({ host: p.tcpSocket?.host ?? ctx.ip, port, timeout: timeoutMs });
        s.on('connect', () => {
          s.destroy();
          resolve(true);
        });
        s.on('timeout', () => {
          s.destroy();
          resolve(false);
        });
        s.on('error', () => resolve(false));
      });
    }
  } catch {
    return false;
  }
  return false;
}

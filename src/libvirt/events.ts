/**
 * Domain events: the callback-style event MESSAGEs of remote_protocol.x decoded into a typed
 * union with libvirt's state and reason names. Pure; the subscription lives in client.ts.
 */
import { AGENT_REASONS, AGENT_STATES, DomainEventId, lifecycleDetailName, lifecycleEventName, type LifecycleEventName } from './enums.js';
import { RemoteProc } from './protocol.js';
import { readDomain, readString, readTypedParams, type DomainRef, type TypedParam } from './remote-types.js';
import type { XdrReader } from './xdr.js';

/** Event kinds a caller can subscribe to, with their virDomainEventID. */
export const DOMAIN_EVENT_KINDS = {
  lifecycle: DomainEventId.LIFECYCLE,
  reboot: DomainEventId.REBOOT,
  deviceRemoved: DomainEventId.DEVICE_REMOVED,
  agentLifecycle: DomainEventId.AGENT_LIFECYCLE,
  deviceAdded: DomainEventId.DEVICE_ADDED,
  migrationIteration: DomainEventId.MIGRATION_ITERATION,
  jobCompleted: DomainEventId.JOB_COMPLETED,
} as const;
export type DomainEventKind = keyof typeof DOMAIN_EVENT_KINDS;

/** VIR_DOMAIN_EVENT_ID_LIFECYCLE: the domain changed state (Started/Booted, Stopped/Destroyed...). */
export interface LifecycleEvent {
  readonly kind: 'lifecycle';
  readonly domain: DomainRef;
  /** virDomainEventType number and name. */
  readonly event: number;
  readonly eventName: LifecycleEventName;
  /** The event's detail number and name (depends on the event). */
  readonly detail: number;
  readonly detailName: string;
}

/** The guest rebooted (VIR_DOMAIN_EVENT_ID_REBOOT). */
export interface RebootEvent {
  readonly kind: 'reboot';
  readonly domain: DomainRef;
}

/** The guest agent connected or disconnected (VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE). */
export interface AgentLifecycleEvent {
  readonly kind: 'agentLifecycle';
  readonly domain: DomainRef;
  readonly state: number;
  readonly stateName: string;
  readonly reason: number;
  readonly reasonName: string;
}

/** A device was removed from (or added to) the running domain. */
export interface DeviceEvent {
  readonly kind: 'deviceRemoved' | 'deviceAdded';
  readonly domain: DomainRef;
  readonly devAlias: string;
}

/** A migration started another memory-copy iteration. */
export interface MigrationIterationEvent {
  readonly kind: 'migrationIteration';
  readonly domain: DomainRef;
  readonly iteration: number;
}

/** A job (e.g. migration) finished; params are its final statistics. */
export interface JobCompletedEvent {
  readonly kind: 'jobCompleted';
  readonly domain: DomainRef;
  readonly params: readonly TypedParam[];
}

export type DomainEvent =
  | LifecycleEvent
  | RebootEvent
  | AgentLifecycleEvent
  | DeviceEvent
  | MigrationIterationEvent
  | JobCompletedEvent;

/** A decoded event with the server-assigned callback id it was registered under. */
export interface CallbackEvent {
  readonly callbackId: number;
  readonly event: DomainEvent;
}

/**
 * Decodes a REMOTE program MESSAGE into an event, or returns null for procedures this client does
 * not handle. Throws XdrError on malformed payloads.
 */
export function decodeDomainEvent(proc: number, r: XdrReader): CallbackEvent | null {
  switch (proc) {
    case RemoteProc.DOMAIN_EVENT_CALLBACK_LIFECYCLE: {
      const callbackId = r.int();
      const domain = readDomain(r);
      const event = r.int();
      const detail = r.int();
      return {
        callbackId,
        event: { kind: 'lifecycle', domain, event, eventName: lifecycleEventName(event), detail, detailName: lifecycleDetailName(event, detail) },
      };
    }
    case RemoteProc.DOMAIN_EVENT_CALLBACK_REBOOT: {
      const callbackId = r.int();
      return { callbackId, event: { kind: 'reboot', domain: readDomain(r) } };
    }
    case RemoteProc.DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED:
    case RemoteProc.DOMAIN_EVENT_CALLBACK_DEVICE_ADDED: {
      const callbackId = r.int();
      const domain = readDomain(r);
      const kind = proc === RemoteProc.DOMAIN_EVENT_CALLBACK_DEVICE_ADDED ? 'deviceAdded' : 'deviceRemoved';
      return { callbackId, event: { kind, domain, devAlias: readString(r) } };
    }
    case RemoteProc.DOMAIN_EVENT_CALLBACK_AGENT_LIFECYCLE: {
      const callbackId = r.int();
      const domain = readDomain(r);
      const state = r.int();
      const reason = r.int();
      return {
        callbackId,
        event: {
          kind: 'agentLifecycle',
          domain,
          state,
          stateName: AGENT_STATES[state] ?? `Unknown(${state})`,
          reason,
          reasonName: AGENT_REASONS[reason] ?? `Unknown(${reason})`,
        },
      };
    }
    case RemoteProc.DOMAIN_EVENT_CALLBACK_MIGRATION_ITERATION: {
      const callbackId = r.int();
      const domain = readDomain(r);
      return { callbackId, event: { kind: 'migrationIteration', domain, iteration: r.int() } };
    }
    case RemoteProc.DOMAIN_EVENT_CALLBACK_JOB_COMPLETED: {
      const callbackId = r.int();
      const domain = readDomain(r);
      return { callbackId, event: { kind: 'jobCompleted', domain, params: readTypedParams(r) } };
    }
    default:
      return null;
  }
}

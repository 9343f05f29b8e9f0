/**
 * Reply decoders for domain state, info, statistics, interface addresses and job info
 * (the *_ret structs of remote_protocol.x). Pure functions over an XdrReader.
 */
import {
  domainStateName,
  domainStateReasonName,
  JOB_TYPES,
  MEMORY_STAT_TAGS,
  type DomainStateName,
} from './enums.js';
import { readOptString, readString } from './remote-types.js';
import type { XdrReader } from './xdr.js';

/** virDomainGetState: state and the reason it entered that state. */
export interface DomainState {
  readonly state: number;
  readonly stateName: DomainStateName;
  readonly reason: number;
  readonly reasonName: string;
}

export function decodeDomainState(r: XdrReader): DomainState {
  const state = r.int();
  const reason = r.int();
  return { state, stateName: domainStateName(state), reason, reasonName: domainStateReasonName(state, reason) };
}

/** virDomainInfo */
export interface DomainInfo {
  readonly state: number;
  readonly stateName: DomainStateName;
  /** Maximum memory in KiB. */
  readonly maxMemKiB: number;
  /** Current memory in KiB. */
  readonly memoryKiB: number;
  readonly nrVirtCpu: number;
  /** CPU time used, in nanoseconds. */
  readonly cpuTimeNs: number;
}

export function decodeDomainInfo(r: XdrReader): DomainInfo {
  // unsigned char and unsigned short are 4-byte words in XDR.
  const state = r.uint();
  const maxMemKiB = r.uhyperNumber();
  const memoryKiB = r.uhyperNumber();
  const nrVirtCpu = r.uint();
  const cpuTimeNs = r.uhyperNumber();
  return { state, stateName: domainStateName(state), maxMemKiB, memoryKiB, nrVirtCpu, cpuTimeNs };
}

/** virDomainMemoryStats by tag name (swap_in, actual_balloon, rss, ...); memory values in KiB. */
export type MemoryStats = Partial<Record<(typeof MEMORY_STAT_TAGS)[number], number>> & Record<string, number>;

export function decodeMemoryStats(r: XdrReader): MemoryStats {
  const out: Record<string, number> = {};
  const stats = r.array((x) => ({ tag: x.int(), val: x.uhyperNumber() }), 1024);
  for (const s of stats) out[MEMORY_STAT_TAGS[s.tag] ?? `tag_${s.tag}`] = s.val;
  return out;
}

/** virDomainInterfaceStatsStruct */
export interface InterfaceStats {
  readonly rxBytes: number;
  readonly rxPackets: number;
  readonly rxErrs: number;
  readonly rxDrop: number;
  readonly txBytes: number;
  readonly txPackets: number;
  readonly txErrs: number;
  readonly txDrop: number;
}

export function decodeInterfaceStats(r: XdrReader): InterfaceStats {
  return {
    rxBytes: r.hyperNumber(),
    rxPackets: r.hyperNumber(),
    rxErrs: r.hyperNumber(),
    rxDrop: r.hyperNumber(),
    txBytes: r.hyperNumber(),
    txPackets: r.hyperNumber(),
    txErrs: r.hyperNumber(),
    txDrop: r.hyperNumber(),
  };
}

/** virDomainBlockStatsStruct (-1 where the hypervisor does not report a field). */
export interface BlockStats {
  readonly rdReq: number;
  readonly rdBytes: number;
  readonly wrReq: number;
  readonly wrBytes: number;
  readonly errs: number;
}

export function decodeBlockStats(r: XdrReader): BlockStats {
  return { rdReq: r.hyperNumber(), rdBytes: r.hyperNumber(), wrReq: r.hyperNumber(), wrBytes: r.hyperNumber(), errs: r.hyperNumber() };
}

/** One address of a guest interface (virDomainIPAddress). */
export interface IPAddress {
  readonly type: 'ipv4' | 'ipv6';
  readonly addr: string;
  readonly prefix: number;
}

/** One guest interface (virDomainInterface). */
export interface DomainInterface {
  readonly name: string;
  readonly hwaddr: string | null;
  readonly addrs: readonly IPAddress[];
}

export function decodeInterfaceAddresses(r: XdrReader): DomainInterface[] {
  return r.array((x) => {
    const name = readString(x);
    const hwaddr = readOptString(x);
    const addrs = x.array((y) => {
      const type: IPAddress['type'] = y.int() === 1 ? 'ipv6' : 'ipv4';
      return { type, addr: readString(y), prefix: y.uint() };
    }, 2048);
    return { name, hwaddr, addrs };
  }, 2048);
}

/** virDomainJobInfo (times in ms, data and memory in bytes). */
export interface JobInfo {
  readonly type: number;
  readonly typeName: string;
  readonly timeElapsed: number;
  readonly timeRemaining: number;
  readonly dataTotal: number;
  readonly dataProcessed: number;
  readonly dataRemaining: number;
  readonly memTotal: number;
  readonly memProcessed: number;
  readonly memRemaining: number;
  readonly fileTotal: number;
  readonly fileProcessed: number;
  readonly fileRemaining: number;
}

export function jobTypeName(type: number): string {
  return JOB_TYPES[type] ?? `Unknown(${type})`;
}

export function decodeJobInfo(r: XdrReader): JobInfo {
  const type = r.int();
  return {
    type,
    typeName: jobTypeName(type),
    timeElapsed: r.uhyperNumber(),
    timeRemaining: r.uhyperNumber(),
    dataTotal: r.uhyperNumber(),
    dataProcessed: r.uhyperNumber(),
    dataRemaining: r.uhyperNumber(),
    memTotal: r.uhyperNumber(),
    memProcessed: r.uhyperNumber(),
    memRemaining: r.uhyperNumber(),
    fileTotal: r.uhyperNumber(),
    fileProcessed: r.uhyperNumber(),
    fileRemaining: r.uhyperNumber(),
  };
}

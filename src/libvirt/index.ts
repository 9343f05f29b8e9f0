/**
 * libvirt for kubevirt-ts: a TypeScript client of libvirt's remote RPC protocol (XDR over the
 * daemon's unix socket; no native addon, no virsh per call) and private libvirtd instances.
 *
 * ## Private daemon (daemon.ts)
 *   const d = await startPrivateLibvirtd({ dir?, capsCacheDir?, virtlogd?: true, startTimeoutMs?, drivers?: ['qemu'] });
 *   d.socketPath / d.uri ("qemu:///system?socket=...", for virsh) / d.layout.logDir (QEMU logs in qemu/)
 *   const conn = await d.connect();  ...  await d.stop();   // SIGTERM, then kills QEMU, verifies nothing is left
 *   d.qemuPid(domainName), d.processes(), d.exited (resolves when libvirtd exits)
 * libvirtd + virtlogd run in their own mount namespace with private dirs bound over /etc/libvirt,
 * /run/libvirt, /var/lib/libvirt, /var/log/libvirt and /var/cache/libvirt; qemu.conf runs QEMU as
 * root with no security driver, cgroups or namespaces. libvirtdInstalled() tells whether it can run.
 * `drivers` restricts the connection drivers libvirtd loads (LIBVIRT_DRIVER_DIR; default all).
 * kvmUsable() / domainVirtType() probe QEMU once: use <domain type="kvm"> or "qemu" (TCG).
 *
 * ## Connection (client.ts): LibvirtConnection.connect(socketPath, { uri?, readOnly?, keepalive* })
 * Connection: close(), onClose(cb), isClosed, getURI(), getLibVersion(), getCapabilities().
 * Domains are plain DomainRef values { name, uuid, id } returned by lookups and defines:
 *   lookupDomainByName/UUID, listAllDomains(flags), domainDefineXML(xml, flags), domainCreateXML,
 *   domainUndefine(dom, UndefineFlags), domainCreate(dom, CreateFlags), domainDestroy(dom, DestroyFlags),
 *   domainShutdown(dom, ShutdownFlags.ACPI_POWER_BTN | GUEST_AGENT), domainReboot, domainReset,
 *   domainSuspend, domainResume, domainGetState -> { stateName: 'Running', reasonName: 'Booted' },
 *   domainGetInfo, domainIsActive, domainGetXMLDesc(dom, DomainXMLFlags).
 * Stats: domainMemoryStats, domainBlockStats(dom, 'vda'), domainBlockStatsFlags, domainInterfaceStats,
 *   domainInterfaceAddresses(dom, 'lease' | 'agent' | 'arp'), getDomainStats(DomainStatsTypes, flags, doms)
 *   (virConnectGetAllDomainStats: 'state.state', 'balloon.current', 'vcpu.0.time', 'net.0.rx.bytes'...).
 * Devices: domainAttachDevice / domainDetachDevice / domainUpdateDevice(dom, xml, AffectFlags);
 *   detach completes with the deviceRemoved event.
 * Guest agent: domainQemuAgentCommand(dom, json, timeoutSeconds) (qemu program), domainGetGuestInfo.
 * Events: subscribeDomainEvents(listener, { kinds?, domain? }) -> unsubscribe(); events are a
 *   DomainEvent union: lifecycle (eventName 'Started' / detailName 'Booted'...), reboot,
 *   agentLifecycle, deviceRemoved, deviceAdded, migrationIteration, jobCompleted.
 * Jobs and migration (v3 with typed params): domainGetJobInfo, domainGetJobStats, domainAbortJob,
 *   domainMigrateSetMaxDowntime(ms), domainMigrateSetMaxSpeed, domainMigrateStartPostCopy,
 *   domainMigrateBegin3 / Prepare3 / Perform3 / Finish3 / Confirm3 with MigrationParams.
 *
 * ## Errors
 * Every failure is a LibvirtError { code, codeName, domain, level, message } with libvirt's own
 * code and message (VIR_ERR_NO_DOMAIN = 42: "Domain not found: no domain with matching name 'x'");
 * a closed connection or keepalive timeout is VIR_ERR_RPC and rejects all pending calls.
 */
export * from './client.js';
export * from './daemon.js';
export * from './domain-info.js';
export * from './enums.js';
export * from './errors.js';
export * from './events.js';
export * from './kvm.js';
export * from './migration.js';
export { privateDaemonUri, type DaemonLayout } from './daemon-config.js';
export { type DomainRef, type TypedParam, typedParamsToRecord, uuidFromBytes, uuidToBytes } from './remote-types.js';
export { RpcClient, type RpcEvent, type RpcOptions } from './rpc.js';

/**
 * Detects whether KVM works here: /dev/kvm may exist yet be unusable (no nested virtualisation,
 * no permission), so QEMU itself is asked to start a paused KVM machine and report query-kvm.
 * Domains must use <domain type="kvm"> when it works and type="qemu" (TCG) otherwise.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export const QEMU_BINARY = '/usr/bin/qemu-system-x86_64';

const probes = new Map<string, Promise<boolean>>();

/** Runs QEMU with -accel kvm and QMP on stdio; true when query-kvm reports enabled. */
function probe(qemuBinary: string, timeoutMs: number): Promise<boolean> {
  if (!existsSync('/dev/kvm') || !existsSync(qemuBinary)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const qemu = spawn(
      qemuBinary,
      ['-accel', 'kvm', '-machine', 'pc', '-m', '16', '-S', '-nodefaults', '-no-user-config', '-display', 'none', '-qmp', 'stdio'],
      { stdio: ['pipe', 'pipe', 'ignore'] },
    );
    let out = '';
    const timer = setTimeout(() => qemu.kill('SIGKILL'), timeoutMs);
    qemu.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
    });
    qemu.on('error', () => undefined);
    qemu.stdin.on('error', () => undefined);
    qemu.on('close', () => {
      clearTimeout(timer);
      resolve(/"return":\s*\{\s*"enabled":\s*true/.test(out));
    });
    qemu.stdin.end('{"execute":"qmp_capabilities"}\n{"execute":"query-kvm"}\n{"execute":"quit"}\n');
  });
}

/** True when QEMU can run guests with KVM on this machine (probed once per binary). */
export function kvmUsable(opts: { readonly qemuBinary?: string; readonly timeoutMs?: number } = {}): Promise<boolean> {
  const bin = opts.qemuBinary ?? QEMU_BINARY;
  let p = probes.get(bin);
  if (!p) {
    p = probe(bin, opts.timeoutMs ?? 10_000);
    probes.set(bin, p);
  }
  return p;
}

/** The libvirt domain type to use: "kvm" when KVM works, "qemu" (TCG emulation) otherwise. */
export async function domainVirtType(opts: { readonly qemuBinary?: string } = {}): Promise<'kvm' | 'qemu'> {
  return (await kvmUsable(opts)) ? 'kvm' : 'qemu';
}

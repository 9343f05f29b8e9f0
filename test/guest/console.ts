// Reads and drives a guest's serial console over any byte stream (QEMU's stdio or a unix
// socket, e.g. the launcher's console socket): waits for text with a deadline and runs shell
// commands, returning their output and exit status.
import type { Duplex } from 'node:stream';

/** The guest shell's prompt at the end of the console: "<hostname>:<dir> # ". */
export const PROMPT = /\S+:[^\n]* # $/;

/** Markers the test guest prints on its console. */
export const Marker = {
  ready: 'kubevirt-ts-guest: ready',
  userDataDone: 'cloud-init: user-data done',
  powerButton: 'kubevirt-ts-guest: power button pressed, powering off',
} as const;

// CSI sequences (the shell's cursor-position queries) and carriage returns are not text.
// eslint-disable-next-line no-control-regex -- matching the ESC control character is the point
const NOISE = /\x1b\[[0-9;?]*[A-Za-z]|\r/g;

interface Waiter {
  readonly pattern: string | RegExp;
  readonly from: number;
  readonly resolve: (m: RegExpExecArray) => void;
  readonly reject: (e: Error) => void;
}

/** A console transcript that grows as the guest writes; waiters are woken on each chunk. */
export class GuestConsole {
  private raw = '';
  private waiters: Waiter[] = [];
  private closed = false;
  private seq = 0;

  constructor(private readonly stream: Duplex) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.raw += chunk;
      this.wake();
    });
    stream.on('close', () => {
      this.closed = true;
      this.wake();
    });
    stream.on('error', () => undefined);
  }

  /** Everything the guest printed so far, without CRs and terminal control sequences. */
  get text(): string {
    return this.raw.replace(NOISE, '');
  }

  /** Sends raw input to the guest. */
  write(input: string): void {
    this.stream.write(input);
  }

  /** Resolves with the first match of pattern in the transcript at or after offset `from`;
   *  rejects after timeoutMs (or when the console closes), quoting the transcript's tail. */
  waitFor(pattern: string | RegExp, timeoutMs: number, from = 0): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const waiter: Waiter = {
        pattern,
        from,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      timer = setTimeout(() => this.fail(waiter, `timed out after ${timeoutMs} ms`), timeoutMs);
      this.waiters.push(waiter);
      this.wake();
    });
  }

  /** Runs a shell command at the prompt; resolves with its output and exit status. */
  async run(command: string, timeoutMs = 10_000): Promise<{ output: string; status: number }> {
    const n = ++this.seq;
    // The quotes split the markers in the echoed input, so only the command's output matches.
    const begin = `@@KVTS-BEGIN-${n}@@`;
    const end = `@@KVTS-END-${n}@@`;
    const start = this.text.length;
    this.write(`echo "@@KVTS-""BEGIN-${n}@@"; ${command}; echo "@@KVTS-""END-${n}@@$?"\n`);
    const m = await this.waitFor(new RegExp(`${begin}\\n([\\s\\S]*?)${end}(\\d+)\\n`), timeoutMs, start);
    return { output: m[1] ?? '', status: Number(m[2]) };
  }

  private match(w: Waiter): RegExpExecArray | null {
    const text = this.text.slice(w.from);
    if (typeof w.pattern === 'string') {
      const i = text.indexOf(w.pattern);
      if (i < 0) return null;
      const m = [w.pattern] as unknown as RegExpExecArray;
      m.index = w.from + i;
      return m;
    }
    const re = new RegExp(w.pattern.source, w.pattern.flags.replace('g', ''));
    const m = re.exec(text);
    if (m) m.index += w.from;
    return m;
  }

  private wake(): void {
    for (const w of [...this.waiters]) {
      const m = this.match(w);
      if (m) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(m);
      } else if (this.closed) {
        this.fail(w, 'console closed');
      }
    }
  }

  private fail(w: Waiter, why: string): void {
    this.waiters = this.waiters.filter((x) => x !== w);
    w.reject(new Error(`waiting for ${String(w.pattern)} on the guest console: ${why}; console tail:\n${this.text.slice(-1500)}`));
  }
}

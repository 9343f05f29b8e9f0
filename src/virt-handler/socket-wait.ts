/**
 * Wakes the handler the moment a launcher's socket appears, instead of only on its retry timer:
 * an inotify watch (fs.watch) on the socket's directory, one per VMI, closed once it fires or
 * when the VMI is done with. The retry timer stays as the fallback (no directory yet, lost events).
 */
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/** Per-key watches for launcher sockets. */
export class SocketWaiter {
  private readonly watches = new Map<string, { path: string; watcher: FSWatcher }>();

  constructor(private readonly onAppear: (key: string) => void) {}

  /**
   * Calls onAppear(key) once `path` is created. A path that exists already (a socket not yet
   * listening, or a dead launcher's) is left to the retry timer, so a stale socket never spins.
   */
  wait(key: string, path: string): void {
    if (this.watches.get(key)?.path === path) return;
    this.cancel(key);
    if (existsSync(path)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
        if ((file === null || file === basename(path)) && existsSync(path)) this.fire(key);
      });
    } catch {
      return; // no directory yet: the retry timer covers it
    }
    watcher.on('error', () => this.cancel(key));
    this.watches.set(key, { path, watcher });
    if (existsSync(path)) this.fire(key); // created while the watch was being set up
  }

  /** Stops waiting for the key's socket. */
  cancel(key: string): void {
    this.watches.get(key)?.watcher.close();
    this.watches.delete(key);
  }

  /** Stops every watch. */
  cancelAll(): void {
    for (const key of [...this.watches.keys()]) this.cancel(key);
  }

  private fire(key: string): void {
    if (!this.watches.has(key)) return;
    this.cancel(key);
    this.onAppear(key);
  }
}

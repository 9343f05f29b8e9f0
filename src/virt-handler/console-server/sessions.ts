/**
 * One stream per VMI and kind: opening a console (or VNC) session closes the one before it, as
 * upstream's virt-handler does with its per-VMI stop channels.
 */

/** Keeps the closer of the current session of each key. */
export class SessionTable {
  private readonly current = new Map<string, { id: number; close: () => Promise<void> }>();
  private nextId = 1;

  /**
   * Registers a new session under `key` after closing (and awaiting) the previous one, so the
   * old unix connection is gone before the new one dials. Returns a release function.
   */
  async take(key: string, close: () => Promise<void>): Promise<() => void> {
    const prev = this.current.get(key);
    const id = this.nextId++;
    this.current.set(key, { id, close });
    if (prev) await prev.close().catch(() => undefined);
    return () => {
      if (this.current.get(key)?.id === id) this.current.delete(key);
    };
  }

  /** Number of open sessions (for tests and metrics). */
  get size(): number {
    return this.current.size;
  }

  /** Closes every session. */
  async closeAll(): Promise<void> {
    const all = [...this.current.values()];
    this.current.clear();
    await Promise.all(all.map((s) => s.close().catch(() => undefined)));
  }
}

/**
 * Controller expectations (kubevirt pkg/controller/expectations.go): before creating or
 * deleting children a controller raises how many events it expects, and informer handlers
 * lower them; until they are met (or expire) the controller does not act on a stale cache.
 */
interface Expectation {
  adds: number;
  dels: number;
  at: number;
}

export class Expectations {
  private readonly items = new Map<string, Expectation>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  expect(key: string, adds: number, dels: number): void {
    const e = this.items.get(key) ?? { adds: 0, dels: 0, at: 0 };
    e.adds += adds;
    e.dels += dels;
    e.at = this.now();
    this.items.set(key, e);
  }

  expectCreations(key: string, n = 1): void {
    this.expect(key, n, 0);
  }
  expectDeletions(key: string, n = 1): void {
    this.expect(key, 0, n);
  }

  creationObserved(key: string): void {
    const e = this.items.get(key);
    if (e) e.adds -= 1;
  }
  deletionObserved(key: string): void {
    const e = this.items.get(key);
    if (e) e.dels -= 1;
  }
  /** A create that failed will never be observed. */
  lowerExpectations(key: string, adds: number, dels: number): void {
    const e = this.items.get(key);
    if (!e) return;
    e.adds -= adds;
    e.dels -= dels;
  }

  satisfied(key: string): boolean {
    const e = this.items.get(key);
    if (!e) return true;
    return (e.adds <= 0 && e.dels <= 0) || this.now() - e.at > this.ttlMs;
  }

  delete(key: string): void {
    this.items.delete(key);
  }
}

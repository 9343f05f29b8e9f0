/**
 * The JSON text of objects that nobody changes once it is taken (a committed object, the served
 * copy of one), so a write is serialised once for storage, for its answer and for its watch events.
 */
const memo = new WeakMap<object, string>();

/** Records `json` as the serialisation of `obj`; the caller promises that `obj` is not changed afterwards. */
export function rememberJson(obj: object, json: string): void {
  memo.set(obj, json);
}

/** The recorded JSON of `obj`, if any. */
export function knownJson(obj: object): string | undefined {
  return memo.get(obj);
}

/** JSON.stringify(v), taken from the memo when v's text is known. */
export function toJson(v: unknown): string {
  if (typeof v === 'object' && v !== null) {
    const json = memo.get(v);
    if (json !== undefined) return json;
  }
  return JSON.stringify(v);
}

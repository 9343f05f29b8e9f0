/**
 * Watch events on the wire: one JSON line per event. An event reaching many watchers is
 * serialised and UTF-8 encoded once: its watchers are sent in one synchronous fan-out, so the
 * bytes of the last few events are kept and handed to every watcher of the same event.
 */
import { knownJson, rememberJson } from '../store/json-memo.js';
import type { WatchEventType as EventType } from '../watch/watch.js';

interface Line {
  readonly type: EventType;
  readonly object: object;
  readonly bytes: Buffer;
}

/** The bytes of the most recent events (a fan-out of one event runs without interleaving others). */
const recent: Line[] = [];
const RECENT = 4;

/** One watch event line, as JSON.stringify({ type, object }) + '\n' writes it. */
export function eventLine(type: EventType, object: unknown): string {
  if (typeof object !== 'object' || object === null) return `${JSON.stringify({ type, object })}\n`;
  let json = knownJson(object);
  if (json === undefined) rememberJson(object, (json = JSON.stringify(object)));
  return `{"type":${JSON.stringify(type)},"object":${json}}\n`;
}

/** eventLine as UTF-8 bytes, the same Buffer for every watcher of one event (callers never change it). */
export function eventBytes(type: EventType, object: unknown): Buffer {
  if (typeof object !== 'object' || object === null) return Buffer.from(eventLine(type, object));
  for (const l of recent) if (l.object === object && l.type === type) return l.bytes;
  const bytes = Buffer.from(eventLine(type, object));
  recent.push({ type, object, bytes });
  if (recent.length > RECENT) recent.shift();
  return bytes;
}

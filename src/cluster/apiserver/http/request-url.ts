/**
 * The path and query of a request target, without building a WHATWG URL for the common case: a
 * plain absolute path (no dot segments, no characters URL would re-encode) is already its own
 * pathname, and the query is parsed only when asked for. Anything else goes through `new URL`.
 */

/** What the pipeline reads of a request's URL (a subset of URL's interface). */
export interface RequestUrl {
  readonly pathname: string;
  /** `?` and the query, or '' (as URL.search). */
  readonly search: string;
  readonly searchParams: URLSearchParams;
}

/** Path characters that `new URL` leaves as they are (RFC 3986 pchar and '/'), percent escapes included. */
const PLAIN_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;

/** True when `new URL(path, base).pathname === path`. */
function isPlainPath(path: string): boolean {
  // Dot segments (also written %2e) are resolved by URL; a '%' not followed by two hex digits is kept, but re-checking it is not worth it.
  return PLAIN_PATH.test(path) && !path.startsWith('//') && !path.includes('/.') && !/%(?![0-9A-Fa-f]{2})|%2e/i.test(path);
}

class LazyQueryUrl implements RequestUrl {
  private params: URLSearchParams | undefined;
  constructor(
    readonly pathname: string,
    private readonly query: string,
  ) {}

  get search(): string {
    return this.query === '' ? '' : `?${this.query}`;
  }

  get searchParams(): URLSearchParams {
    return (this.params ??= new URLSearchParams(this.query));
  }
}

/** Query characters that URL.search leaves as they are (an https URL's query encodes `'`). */
const PLAIN_QUERY = /^[A-Za-z0-9\-._~!$&()*+,;=:@/?%]*$/;

/** The pathname, search and searchParams of a request target (`req.url`), as `new URL(target, 'https://localhost')` has them. */
export function requestUrl(target: string): RequestUrl {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q + 1);
  if (isPlainPath(path) && PLAIN_QUERY.test(query)) return new LazyQueryUrl(path, query);
  return new URL(target, 'https://localhost');
}

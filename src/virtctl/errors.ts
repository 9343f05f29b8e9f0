/**
 * The error virtctl reports for bad input it detects itself (flags, arguments, local files).
 * Errors from the API server arrive as StatusError from src/api/meta; both print their message
 * on stderr and exit 1, as upstream's cobra root does.
 */
export class VirtctlError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VirtctlError';
  }
}

/** The message of anything thrown, for "Error doing X: <cause>" wrappers. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Wraps a failure with upstream's context prefix, keeping the cause. */
export function wrapError(prefix: string, err: unknown): VirtctlError {
  return new VirtctlError(`${prefix}${messageOf(err)}`, { cause: err });
}

/** Error helpers: a readable message from anything thrown, and a wrap that keeps the cause. */

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/** A new error that says what failed, keeping the original (class, stack) as its `cause`. */
export function withCause(message: string, cause: unknown): Error {
  return new Error(message, { cause });
}

/** `value` as an Error, for rejection reasons that may be anything. */
export function asError(value: unknown, fallback: string): Error {
  if (value instanceof Error) return value;
  return new Error(value === undefined ? fallback : String(value));
}

/**
 * Errors with a Dutch message meant for the person running the command (never a stack trace).
 * `UserError`: the user can fix it (wrong argument, missing file). `SystemError`: the
 * installation or environment needs attention (key file rights, unreadable data dir).
 */
export class UserError extends Error {
  override readonly name: string = "UserError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class SystemError extends Error {
  override readonly name: string = "SystemError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class PseudonymKeyError extends SystemError {
  override readonly name = "PseudonymKeyError";
}

/**
 * Storage refused a write or read for a reason the operator must fix (disk full, read-only,
 * no rights). The message is Dutch and names the place; `cause` keeps the errno error.
 */
export class StorageError extends SystemError {
  override readonly name = "StorageError";
}

/** A stored object (Parquet, a delivery-log line) is damaged or does not match its contract. */
export class BrokenObjectError extends SystemError {
  override readonly name = "BrokenObjectError";
  constructor(
    readonly objects: readonly { key: string; problem: string }[],
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * There is nothing to show: no accepted delivery in the asked range (or for the asked location).
 * The CLI exits with 1 and a Dutch message, never with an empty document.
 */
export class NoDataError extends UserError {
  override readonly name = "NoDataError";
}

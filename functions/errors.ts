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

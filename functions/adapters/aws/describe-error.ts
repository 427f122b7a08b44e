/** `Name: message` of an SDK (or any) error, for the message of the error that wraps it. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

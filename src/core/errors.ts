/**
 * A failure that names where it happened (a file, a field, a tile) and why: the message is
 * `where: reason`, and both parts stay readable for the UI. The errors of readers and limits
 * extend it (each keeps its own name, so callers can tell them apart).
 */
export class WhereError extends Error {
  constructor(
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${where}: ${reason}`);
    this.name = 'WhereError';
  }
}

/** An expected problem whose message is written for the user; shown as is, without a stack. */
export class UserError extends Error {
  override name = "UserError";
}

/** The command line itself was wrong (exit code 2). */
export class UsageError extends UserError {
  override name = "UsageError";
}

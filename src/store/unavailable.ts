/**
 * Whether `err` says the database could not be reached or did not answer in time (PostgreSQL restarting, the
 * network down, DATABASE_TIMEOUT_MS passed), rather than that a request was wrong: such a call may be tried again
 * once the database is back, and nothing it was to write was written.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === "string" ? e.code : "";
  // 08: connection exceptions; 57P01-57P03: the server shutting down, crashed or starting.
  if (/^08/.test(code) || /^57P0[1-3]$/.test(code) || ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND"].includes(code)) return true;
  const message = typeof e?.message === "string" ? e.message : "";
  return /Query read timeout|Connection terminated|timeout exceeded when trying to connect|Cannot reach PostgreSQL|Client has encountered a connection error/i.test(
    message,
  );
}

/** Why a model call failed, in a few words for logs and the user. */
export function failureReason(err: unknown): string {
  const e = err as { status?: number; name?: string; message?: string; cause?: unknown };
  // The SDK reports a refused redirect as a plain "Connection error."; its cause says what happened.
  if (e.cause instanceof Error && e.cause.name === "RedirectRefused") return e.cause.message.slice(0, 120);
  if (e.status) return `HTTP ${e.status}`;
  if (/timeout|timed out|abort/i.test(`${e.name} ${e.message}`)) return "timeout";
  return e.message?.slice(0, 120) ?? "error";
}

/** Models sometimes wrap JSON in a code fence; anything else that is not JSON is invalid output. */
export function parseJson(text: string): unknown {
  const body = text
    .trim()
    .replace(/^```(?:json)?\s*/i, "")
    .replace(/```$/, "");
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

import { z } from "zod";
import { UserError } from "../config/errors.js";
import { RANK_MODES, type DigestSettings, type DigestSettingsStore, type RankMode } from "../store/digestSettings.js";
import { userText } from "../text/userText.js";

export const MAX_DIGEST_COUNT = 10;
export const MAX_CATCH_UP_DAYS = 7;
export const MAX_TERMS = 25;
const MAX_TERM_LENGTH = 100;
export const MAX_INTERESTS = 10;
const MAX_INTEREST_LENGTH = 100;

export const DIGEST_DEFAULTS = {
  time: "09:00",
  timezone: "UTC",
  count: 5,
  minUpvotes: 0,
  catchUpDays: 0,
  rankMode: "for-us" as RankMode,
} as const;

export function defaultDigestSettings(guildId: string, now = new Date()): DigestSettings {
  const at = now.toISOString();
  return {
    guildId,
    time: DIGEST_DEFAULTS.time,
    timezone: DIGEST_DEFAULTS.timezone,
    count: DIGEST_DEFAULTS.count,
    include: [],
    exclude: [],
    minUpvotes: DIGEST_DEFAULTS.minUpvotes,
    rankMode: DIGEST_DEFAULTS.rankMode,
    interests: [],
    paused: false,
    catchUpDays: DIGEST_DEFAULTS.catchUpDays,
    activeSince: at,
    updatedAt: at,
  };
}

/** Every IANA timezone this runtime knows, plus "UTC", sorted. */
export const TIMEZONES: readonly string[] = Object.freeze([...new Set([...Intl.supportedValuesOf("timeZone"), "UTC"])].sort());

const POPULAR_TIMEZONES = [
  "UTC",
  "America/Los_Angeles",
  "America/Denver",
  "America/Chicago",
  "America/New_York",
  "America/Sao_Paulo",
  "Europe/London",
  "Europe/Paris",
  "Europe/Berlin",
  "Europe/Zurich",
  "Europe/Moscow",
  "Africa/Cairo",
  "Africa/Johannesburg",
  "Asia/Dubai",
  "Asia/Kolkata",
  "Asia/Singapore",
  "Asia/Shanghai",
  "Asia/Hong_Kong",
  "Asia/Seoul",
  "Asia/Tokyo",
  "Australia/Sydney",
  "Pacific/Auckland",
];

/**
 * Timezones for autocomplete (at most `limit`, which Discord caps at 25): names starting with the
 * text first, then names with a part starting with it ("york" → America/New_York), then any
 * containing it. Spaces count as underscores. An empty text gives common zones.
 */
export function suggestTimezones(text: string, limit = 25): string[] {
  const q = text.trim().toLowerCase().replace(/\s+/g, "_");
  if (!q) return POPULAR_TIMEZONES.filter((z) => TIMEZONES.includes(z)).slice(0, limit);
  const tiers: string[][] = [[], [], []];
  for (const zone of TIMEZONES) {
    const z = zone.toLowerCase();
    if (z.startsWith(q)) tiers[0]!.push(zone);
    else if (wordStarts(z).some((i) => z.startsWith(q, i))) tiers[1]!.push(zone);
    else if (z.includes(q)) tiers[2]!.push(zone);
  }
  return tiers.flat().slice(0, limit);
}

/** Where each word of a zone name starts: after "/", "_" or "-". */
function wordStarts(zone: string): number[] {
  const out: number[] = [];
  for (let i = 1; i < zone.length; i++) if ("/_-".includes(zone[i - 1]!)) out.push(i);
  return out;
}

/** The canonical name of an IANA timezone ("europe/berlin" → "Europe/Berlin"); a `UserError` when unknown. */
export function validateTimezone(name: string): string {
  const tz = name.trim();
  try {
    if (!tz) throw new RangeError("empty");
    return new Intl.DateTimeFormat("en-US", { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    const hint = suggestTimezones((tz.split("/").pop() ?? "").slice(0, 3), 3);
    throw new UserError(
      `Unknown timezone "${tz}". Use an IANA name such as "Europe/Berlin", "America/New_York" or "UTC"` +
        (hint.length ? ` (did you mean ${hint.map((h) => `"${h}"`).join(", ")}?)` : "") +
        ".",
    );
  }
}

/** "9:05" or "09:05" → "09:05"; a `UserError` for anything that is not a 24-hour HH:MM. */
export function parseTime(text: string): string {
  const m = /^\s*([01]?\d|2[0-3])[:.h]([0-5]\d)\s*$/.exec(text);
  if (!m) throw new UserError(`"${text.trim()}" is not a time of day; use 24-hour HH:MM, e.g. "09:00" or "17:30".`);
  return `${m[1]!.padStart(2, "0")}:${m[2]}`;
}

/** Terms from one line of text: "llm, RAG; kv cache" → ["llm", "RAG", "kv cache"] (trimmed, no duplicates). */
export function parseTerms(text: string): string[] {
  return cleanTerms(text.split(/[,;\n]/));
}

function cleanTerms(terms: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of terms) {
    const t = userText(raw);
    if (!t || seen.has(t.toLowerCase())) continue;
    seen.add(t.toLowerCase());
    out.push(t);
  }
  return out;
}

const terms = (which: string) =>
  z
    .array(z.string().max(MAX_TERM_LENGTH, `each ${which} term must be at most ${MAX_TERM_LENGTH} characters`))
    .transform(cleanTerms)
    .refine((t) => t.length <= MAX_TERMS, `at most ${MAX_TERMS} ${which} terms`);

/** A change to a server's settings, as commands give it; every field is optional and checked. */
export const DigestSettingsPatchSchema = z
  .object({
    channelId: z
      .string()
      .regex(/^\d{15,21}$/, "the channel must be a Discord channel id")
      .nullable(),
    time: z.string().transform((t, ctx) => {
      try {
        return parseTime(t);
      } catch (e) {
        ctx.addIssue({ code: "custom", message: (e as Error).message });
        return z.NEVER;
      }
    }),
    timezone: z.string().transform((t, ctx) => {
      try {
        return validateTimezone(t);
      } catch (e) {
        ctx.addIssue({ code: "custom", message: (e as Error).message });
        return z.NEVER;
      }
    }),
    count: z
      .number("the count must be a number")
      .int(`the count must be a whole number from 1 to ${MAX_DIGEST_COUNT}`)
      .min(1, `the count must be a whole number from 1 to ${MAX_DIGEST_COUNT}`)
      .max(MAX_DIGEST_COUNT, `the count must be a whole number from 1 to ${MAX_DIGEST_COUNT}`),
    include: terms("include"),
    exclude: terms("exclude"),
    minUpvotes: z.number("min-upvotes must be a number").int("min-upvotes must be a whole number").min(0, "min-upvotes cannot be negative"),
    rankMode: z.enum(RANK_MODES, `the rank mode must be one of ${RANK_MODES.join(", ")}`),
    interests: z
      .array(z.string().max(MAX_INTEREST_LENGTH, `each interest must be at most ${MAX_INTEREST_LENGTH} characters`))
      .transform(cleanTerms)
      .refine((t) => t.length <= MAX_INTERESTS, `at most ${MAX_INTERESTS} interests`),
    catchUpDays: z
      .number("catch-up days must be a number")
      .int(`catch-up days must be a whole number from 0 to ${MAX_CATCH_UP_DAYS}`)
      .min(0, `catch-up days must be a whole number from 0 to ${MAX_CATCH_UP_DAYS}`)
      .max(MAX_CATCH_UP_DAYS, `catch-up days must be a whole number from 0 to ${MAX_CATCH_UP_DAYS}`),
  })
  .partial()
  .strict();

export type DigestSettingsPatch = z.input<typeof DigestSettingsPatchSchema>;

/** Checks a patch; the first problem becomes a `UserError` whose message can be shown as is. */
export function parseDigestPatch(patch: unknown): z.output<typeof DigestSettingsPatchSchema> {
  const r = DigestSettingsPatchSchema.safeParse(patch);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const message = issue?.code === "unrecognized_keys" ? `unknown digest setting: ${issue.keys.join(", ")}` : (issue?.message ?? "invalid");
  throw new UserError(message);
}

/** A server's digest settings as commands change them: every write is validated; reads return defaults only through `getOrDefault`. */
export class DigestSettingsRepo {
  constructor(private readonly store: DigestSettingsStore) {}

  get(guildId: string): Promise<DigestSettings | undefined> {
    return this.store.get(guildId);
  }

  async getOrDefault(guildId: string, now = new Date()): Promise<DigestSettings> {
    return (await this.get(guildId)) ?? defaultDigestSettings(guildId, now);
  }

  /** Applies a checked patch (a `UserError` when a value is wrong) and returns the stored settings. */
  async update(guildId: string, patch: DigestSettingsPatch, now = new Date()): Promise<DigestSettings> {
    const p = parseDigestPatch(patch);
    return this.store.change(guildId, (stored) => {
      const before = stored ?? defaultDigestSettings(guildId, now);
      const next: DigestSettings = { ...before, updatedAt: now.toISOString() };
      if (p.channelId !== undefined) next.channelId = p.channelId ?? undefined;
      if (p.time !== undefined) next.time = p.time;
      if (p.timezone !== undefined) next.timezone = p.timezone;
      if (p.count !== undefined) next.count = p.count;
      if (p.include !== undefined) next.include = p.include;
      if (p.exclude !== undefined) next.exclude = p.exclude;
      if (p.minUpvotes !== undefined) next.minUpvotes = p.minUpvotes;
      if (p.catchUpDays !== undefined) next.catchUpDays = p.catchUpDays;
      if (p.rankMode !== undefined) next.rankMode = p.rankMode;
      if (p.interests !== undefined) next.interests = p.interests;
      const rescheduled = next.channelId !== before.channelId || next.time !== before.time || next.timezone !== before.timezone;
      if (rescheduled) next.activeSince = now.toISOString();
      return next;
    });
  }

  /** Stops the digest with a reason shown in status (a person's choice, or a channel that went away). */
  pause(guildId: string, reason: string, now = new Date()): Promise<DigestSettings> {
    return this.store.change(guildId, (stored) => ({
      ...(stored ?? defaultDigestSettings(guildId, now)),
      paused: true,
      pausedReason: reason,
      updatedAt: now.toISOString(),
    }));
  }

  /** Restarts the digest from now on: missed times while paused are not caught up. */
  resume(guildId: string, now = new Date()): Promise<DigestSettings> {
    const at = now.toISOString();
    return this.store.change(guildId, (stored) => ({
      ...(stored ?? defaultDigestSettings(guildId, now)),
      paused: false,
      pausedReason: undefined,
      activeSince: at,
      updatedAt: at,
    }));
  }

  /** Forgets a server (the bot left it). */
  remove(guildId: string): Promise<boolean> {
    return this.store.remove(guildId);
  }

  all(): Promise<DigestSettings[]> {
    return this.store.all();
  }

  /** Servers whose digest should run: a channel is set and it is not paused. */
  async active(): Promise<DigestSettings[]> {
    return (await this.all()).filter((s) => s.channelId && !s.paused);
  }
}

import type { APIApplicationCommand } from "discord.js";
import { isObject, type Json } from "../constants.js";
import type { FakeDiscord } from "../fakeDiscord.js";
import { type Ctx, err, invalidForm, ok, type Reply, type Router } from "../rest.js";
import { validateCommand } from "../validation.js";

/** `PUT` of the global and guild command lists (what `paperbot register` and the bot's start do). */
export function commandRoutes(fake: FakeDiscord, router: Router): void {
  const listFor = (guildId?: string) => (guildId ? fake.commandsFor(guildId) : fake.globalCommands);
  const store = (guildId: string | undefined, list: APIApplicationCommand[]) => {
    if (guildId) fake.guildCommands.set(guildId, list);
    else fake.globalCommands = list;
  };
  const toStored = (c: Json, guildId: string | undefined, existing: APIApplicationCommand[]): APIApplicationCommand => {
    const type = (c.type as number | undefined) ?? 1;
    const prev = existing.find((e) => e.name === c.name && ((e.type as number | undefined) ?? 1) === type);
    return {
      ...c,
      id: prev?.id ?? fake.snowflake(),
      application_id: fake.applicationId,
      version: fake.snowflake(),
      type,
      description: (c.description as string | undefined) ?? "",
      default_member_permissions: (c.default_member_permissions as string | null | undefined) ?? null,
      nsfw: (c.nsfw as boolean | undefined) ?? false,
      ...(guildId ? { guild_id: guildId } : {}),
    } as unknown as APIApplicationCommand;
  };
  const putCommands = (ctx: Ctx): Reply => {
    const denied = checkApp(fake, ctx.params.app);
    if (denied) return denied;
    if (ctx.params.guild && !fake.guilds.some((g) => g.id === ctx.params.guild)) return err(404, 10004, "Unknown Guild");
    if (!Array.isArray(ctx.body)) return invalidForm([{ path: [], code: "LIST_TYPE_CONVERT", message: "Must be an array." }]);
    const violations = ctx.body.flatMap((c, i) => validateCommand(c, [i]));
    if (ctx.body.length > 100) violations.push({ path: [], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 100 or fewer in length." });
    const seen = new Set<string>();
    ctx.body.forEach((c: unknown, i) => {
      const key = isObject(c) ? `${(c.type as number | undefined) ?? 1}:${String(c.name)}` : "";
      if (seen.has(key))
        violations.push({ path: [i, "name"], code: "APPLICATION_COMMANDS_DUPLICATE_NAME", message: "Application command names must be unique" });
      seen.add(key);
    });
    if (violations.length) return invalidForm(violations);
    const existing = listFor(ctx.params.guild);
    const list = (ctx.body as Json[]).map((c) => toStored(c, ctx.params.guild, existing));
    store(ctx.params.guild, list);
    return ok(list);
  };
  for (const base of ["/applications/:app/commands", "/applications/:app/guilds/:guild/commands"]) router.route("PUT", base, putCommands);
}

function checkApp(fake: FakeDiscord, app: string | undefined): Reply | undefined {
  return app === fake.applicationId ? undefined : err(403, 50001, "Missing Access");
}

import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { runBin } from "./helpers/runBin.js";
import { tempDir } from "./helpers/tmp.js";

// No Docker engine runs here, so this reads what the image and compose file promise and checks
// each promise against the project itself.
const root = path.resolve(import.meta.dirname, "..");
const read = (f: string) => fs.readFileSync(path.join(root, f), "utf8");
const dockerfile = read("Dockerfile");
const instructions = dockerfile
  .replace(/\\\n\s*/g, " ")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith("#"));
const all = (op: string) => instructions.filter((l) => l.toUpperCase().startsWith(`${op} `)).map((l) => l.slice(op.length + 1).trim());
const execForm = (s: string) => JSON.parse(s.slice(s.indexOf("["))) as string[];
const env = Object.fromEntries(all("ENV").flatMap((l) => [...l.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!])));

describe("the container image", () => {
  it("builds in two stages and runs as a user that is not root", () => {
    expect(all("FROM").length).toBeGreaterThanOrEqual(2);
    expect(all("RUN").some((r) => /npm ci\b/.test(r))).toBe(true);
    const lastIndex = (prefix: string) => instructions.map((l) => l.startsWith(prefix)).lastIndexOf(true);
    const lastUser = lastIndex("USER ");
    expect(lastUser).toBeGreaterThan(lastIndex("FROM "));
    expect(instructions[lastUser]!.slice(5).trim()).not.toMatch(/^(root|0)(:|$)/);
  });

  it("copies only files that exist, and keeps secrets and databases out of the build context", () => {
    for (const copy of all("COPY").filter((c) => !c.startsWith("--from"))) {
      const sources = copy.split(/\s+/).slice(0, -1);
      for (const s of sources) expect(fs.existsSync(path.join(root, s)), s).toBe(true);
    }
    const ignored = read(".dockerignore").split("\n");
    for (const entry of ["node_modules", ".env", "data/*.db"]) expect(ignored).toContain(entry);
  });

  it("keeps the database on the volume, in the image and in compose.yaml", () => {
    const db = env.PAPERBOT_DB!;
    expect(db).toBeTruthy();
    expect(all("VOLUME")).toContain(path.posix.dirname(db));
    const compose = read("compose.yaml");
    expect(compose).toContain(`PAPERBOT_DB: ${db}`);
    expect(compose).toMatch(new RegExp(`- [\\w-]+:${path.posix.dirname(db)}\\n`));
    expect(compose).toMatch(/env_file: \.env/);
  });

  it("starts the bot with a command the CLI has, and checks its health with one", async () => {
    const [cmd] = all("CMD");
    expect(execForm(cmd!)).toEqual(["node", "bin/paperbot.js", "start"]);
    expect(JSON.parse(read("package.json")).scripts.start).toBe("node bin/paperbot.js start");
    const [health] = all("HEALTHCHECK");
    const probe = execForm(health!);
    expect(probe.slice(0, 2)).toEqual(["node", "bin/paperbot.js"]);
    const dbEnv = { PAPERBOT_DB: path.join(tempDir(), "p.db") };
    for (const args of [
      ["start", "--help"],
      [...probe.slice(2), "--help"],
    ]) {
      const r = await runBin(args, dbEnv);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
    }
    // The probe really probes: without a running bot it reports unhealthy.
    expect((await runBin(probe.slice(2), dbEnv)).code).toBe(1);
  });

  it("composes several bots on one PostgreSQL: each runs its own shards, together all of them once", async () => {
    type Service = { profiles?: string[]; image?: string; environment?: Record<string, string>; command?: string[]; depends_on?: object };
    const compose = parseYaml(read("compose.yaml"), { merge: true }) as { services: Record<string, Service> };
    const pg = Object.entries(compose.services).find(([, s]) => s.image?.startsWith("postgres:"));
    expect(pg, "a PostgreSQL service").toBeDefined();
    const [pgName, pgService] = pg!;
    const bots = Object.values(compose.services).filter((s) => s.environment?.DATABASE_URL);
    expect(bots.length).toBeGreaterThanOrEqual(2);
    const shards: number[] = [];
    const totals = new Set<string>();
    for (const bot of bots) {
      const url = new URL(bot.environment!.DATABASE_URL!);
      expect(url.hostname).toBe(pgName);
      expect(url.username).toBe(pgService.environment!.POSTGRES_USER);
      expect(url.pathname).toBe(`/${pgService.environment!.POSTGRES_DB}`);
      expect(bot.depends_on).toHaveProperty(pgName);
      const cmd = bot.command!;
      expect(cmd.slice(0, 3)).toEqual(["node", "bin/paperbot.js", "start"]);
      shards.push(...cmd[cmd.indexOf("--shards") + 1]!.split(",").map(Number));
      totals.add(cmd[cmd.indexOf("--shard-count") + 1]!);
      // The CLI takes the shard options: what stops it is the missing token, not them.
      const r = await runBin(cmd.slice(2), { PAPERBOT_DB: path.join(tempDir(), "p.db") });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/DISCORD_TOKEN is not set/);
    }
    expect(totals.size).toBe(1);
    expect(shards.sort((a, b) => a - b)).toEqual(Array.from({ length: Number([...totals][0]) }, (_, i) => i));
  });
});

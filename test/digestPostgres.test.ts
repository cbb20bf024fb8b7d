// The daily digest end to end on PostgreSQL: two machines' digest services share one database; the day is
// posted once, through the Discord fake's REST API, and the machine that comes second finds the claim busy.
import { REST } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../src/config/logger.js";
import type { DigestPost } from "../src/digest/digestPost.js";
import type { DigestPoster } from "../src/digest/digestPoster.js";
import { DigestService } from "../src/digest/digestService.js";
import { sharedDayFetcher } from "../src/digest/fetchDay.js";
import { RestDigestPoster } from "../src/discord/restDigestPoster.js";
import type { Pool } from "../src/store/postgres/pool.js";
import { postgresStores } from "../src/store/stores.js";
import { FakeDiscord } from "./fakes/discord.js";
import { FakeHuggingFace } from "./fakes/huggingface.js";
import { havePostgres, migratedSchemaForFile } from "./helpers/postgres.js";
import { corpusDir } from "./helpers/tmp.js";

const DAY = "2026-02-10";
const clock = new Date(`${DAY}T12:00:00Z`);

/** The REST poster, held at its send until `release()`: a machine in the middle of posting the day. */
class HeldPoster implements DigestPoster {
  sends = 0;
  private readonly sending: Promise<void>;
  private reached!: () => void;
  private go!: () => void;
  private readonly open: Promise<void>;

  constructor(private readonly poster: DigestPoster) {
    this.sending = new Promise((r) => (this.reached = r));
    this.open = new Promise((r) => (this.go = r));
  }

  /** Resolves once the service is about to send. */
  atSend(): Promise<void> {
    return this.sending;
  }

  release(): void {
    this.go();
  }

  async send(channelId: string, post: DigestPost, nonce: string): Promise<{ messageId: string }> {
    this.sends++;
    this.reached();
    await this.open;
    return this.poster.send(channelId, post, nonce);
  }

  recentMessages(channelId: string, limit: number, before?: string) {
    return this.poster.recentMessages(channelId, limit, before);
  }
}

if (havePostgres()) {
  const schema = migratedSchemaForFile();
  let discord: FakeDiscord | undefined;
  let hf: FakeHuggingFace | undefined;
  const services: DigestService[] = [];
  const held: HeldPoster[] = [];
  afterEach(async () => {
    // A failed test may leave a send held: the service's stop waits for it.
    for (const h of held.splice(0)) h.release();
    for (const s of services.splice(0)) await s.stop();
    await discord?.stop();
    await hf?.stop();
  });

  /** One machine's digest service on the shared database (its own pool, its own lease owner). */
  async function machine(pool: Pool, owner: string, poster: DigestPoster): Promise<DigestService> {
    const stores = await postgresStores(pool, "test", { owner, clock: () => clock });
    const service = new DigestService({
      stores,
      poster,
      fetchDay: sharedDayFetcher(hf!.url, { log: silentLogger }),
      log: silentLogger,
      now: () => clock,
      sleep: async () => undefined,
      sendRetryDelaysMs: [],
    });
    services.push(service);
    return service;
  }

  describe("the daily digest on PostgreSQL, two machines", () => {
    it("posts the day once; the other machine finds the claim busy while it is posted, then already sent", async () => {
      discord = new FakeDiscord({ token: "test-token", guilds: [{ name: "Paper Lab" }] });
      await discord.start();
      hf = FakeHuggingFace.fromCorpus(corpusDir);
      await hf.start();
      const guildId = discord.guild("Paper Lab").id;
      const channel = discord.channelId("papers", guildId);
      const rest = () => new REST({ api: discord!.apiBase, retries: 0 }).setToken("test-token");
      const posting = new HeldPoster(new RestDigestPoster(rest(), discord.botUser.id));
      held.push(posting);
      const a = await machine(schema.pool(), "machine-a:1001", posting);
      const b = await machine(schema.other(), "machine-b:1002", new RestDigestPoster(rest(), discord.botUser.id));

      // Set up on one machine, seen by the other: the settings are in the shared database.
      await a.configure(guildId, { channelId: channel, rankMode: "trending" });
      expect(await b.settings.get(guildId)).toMatchObject({ channelId: channel, rankMode: "trending", paused: false });

      const first = a.postNow(guildId, DAY);
      await posting.atSend();
      expect(await b.postNow(guildId, DAY)).toMatchObject({ kind: "busy", channelId: channel });
      expect(discord.messages(channel)).toHaveLength(0);
      posting.release();
      const posted = await first;
      expect(posted).toMatchObject({ kind: "posted", channelId: channel });
      expect(posting.sends).toBe(1);
      const messages = discord.messages(channel);
      expect(messages).toHaveLength(1);
      expect(posted.kind === "posted" && posted.messageId).toBe(messages[0]!.id);

      expect(await b.postNow(guildId, DAY)).toMatchObject({ kind: "already-sent", messageId: messages[0]!.id });
      expect(discord.messages(channel)).toHaveLength(1);
      const status = await b.status(guildId);
      expect(status.lastPost).toMatchObject({ date: DAY, messageId: messages[0]!.id, channelId: channel, count: 5 });
      expect(status.lastError).toBeUndefined();
    });
  });
}

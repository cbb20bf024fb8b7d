import { Client, type ClientOptions, Events } from "discord.js";
import type { FakeDiscord } from "./fakeDiscord.js";

/**
 * Creates a discord.js `Client` pointed at the fake, logs in and waits for `clientReady` (guilds
 * cached). Destroy it (`await client.destroy()`) before `fake.stop()`.
 */
export async function loginClient(fake: FakeDiscord, opts: { options?: Partial<ClientOptions> } = {}): Promise<Client> {
  const client = new Client(fake.clientOptions(opts.options));
  const timeoutMs = 10_000;
  let timer: NodeJS.Timeout | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    client.once(Events.ClientReady, () => resolve());
    timer = setTimeout(() => reject(new Error(`client not ready after ${timeoutMs} ms\n${fake.summary()}`)), timeoutMs);
  });
  try {
    await client.login("fake-bot-token");
    await ready;
    return client;
  } catch (e) {
    await client.destroy();
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

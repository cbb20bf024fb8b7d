import type { AnyThreadChannel, Message } from "discord.js";
import { truncate } from "../text/prose.js";
import { LIMITS } from "./limits.js";

/** The thread on `message`, started now if it has none. */
export async function threadOn(message: Message, name: string): Promise<AnyThreadChannel> {
  if (message.thread) return message.thread;
  // Two quick clicks race: the second start fails because the first made the thread, so look again.
  return message.startThread({ name: truncate(name, LIMITS.threadName) }).catch(async (err: unknown) => {
    const again = await message.fetch(true);
    if (again.thread) return again.thread;
    throw err;
  });
}

/** Discord's limits on what a bot sends (https://discord.com/developers/docs/resources/message). */
export const LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  fields: 25,
  embeds: 10,
  embedTotal: 6000,
  choices: 25,
  choiceName: 100,
  buttonLabel: 80,
  threadName: 100,
} as const;

/** No reply ever pings anyone. */
export const NO_MENTIONS = { parse: [] as never[] };

/**
 * Discord's limits on what a bot sends (https://discord.com/developers/docs/resources/message),
 * in one table for the digest's post builder and the Discord layer alike.
 */
export const DISCORD_LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  fields: 25,
  embeds: 10,
  /** Titles, descriptions, fields, footers and author names of all embeds of one message together. */
  embedsTotal: 6000,
  choices: 25,
  choiceName: 100,
  buttonLabel: 80,
  customId: 100,
  buttonsPerRow: 5,
  rows: 5,
  threadName: 100,
} as const;

import crypto from "node:crypto";
import type http from "node:http";
import type { APIAttachment } from "discord.js";
import type { FakeDiscord } from "./fakeDiscord.js";
import type { AttachmentInput, CdnRequest } from "./types.js";

/*
 * Discord's CDN for the files users attach to slash commands: the interaction's
 * `data.resolved.attachments` names each with an `ephemeral-attachments` URL signed with `ex`
 * (expiry, hex seconds), `is` (issued) and `hm` (signature); the CDN serves the bytes only for the
 * URL exactly as given (a missing or altered signature, or an expired link, is a 404).
 */

interface StoredFile {
  data: Buffer;
  contentType?: string;
  hm: string;
  expiresAt: number;
}

/** Attachment links last a day on Discord. */
const LINK_TTL_MS = 24 * 3600_000;

export class FakeCdn {
  private readonly files = new Map<string, StoredFile>();

  constructor(private readonly fake: FakeDiscord) {}

  /** Stores a user's file and returns the attachment object Discord puts in an interaction's `resolved`. */
  attach(channelId: string, input: AttachmentInput): APIAttachment {
    const id = this.fake.snowflake();
    const data = Buffer.from(input.data);
    const issued = Math.floor(this.fake.now() / 1000);
    const expiresAt = this.fake.now() + LINK_TTL_MS;
    const hm = crypto.randomBytes(32).toString("hex");
    const contentType = input.contentType === undefined ? guessContentType(input.filename) : (input.contentType ?? undefined);
    this.files.set(id, { data, contentType, hm, expiresAt });
    const path = `/ephemeral-attachments/${channelId}/${id}/${encodeURIComponent(input.filename)}`;
    const query = `?ex=${Math.floor(expiresAt / 1000).toString(16)}&is=${issued.toString(16)}&hm=${hm}&`;
    return {
      id,
      filename: input.filename,
      size: input.size ?? data.length,
      url: `${this.fake.url}${path}${query}`,
      proxy_url: `${this.fake.url}${path}${query}`,
      ...(contentType ? { content_type: contentType } : {}),
      ephemeral: true,
    };
  }

  /** Whether `path` is the CDN's (the server hands it here instead of the API router). */
  serves(path: string): boolean {
    return path.startsWith("/ephemeral-attachments/");
  }

  handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://fake");
    const [, , , id] = url.pathname.split("/");
    const file = id ? this.files.get(id) : undefined;
    const signed = file && url.searchParams.get("hm") === file.hm && this.fake.now() < file.expiresAt;
    const record: CdnRequest = {
      seq: this.fake.nextSeq(),
      at: this.fake.now(),
      method: req.method ?? "GET",
      path: url.pathname,
      status: 0,
      bytes: 0,
    };
    this.fake.cdnRequests.push(record);
    if (!signed || (req.method !== "GET" && req.method !== "HEAD")) {
      record.status = 404;
      res.writeHead(404, { "content-type": "text/plain" }).end("This content is no longer available.");
    } else {
      record.status = 200;
      record.bytes = req.method === "GET" ? file.data.length : 0;
      res.writeHead(200, { "content-type": file.contentType ?? "application/octet-stream", "content-length": String(file.data.length) });
      res.end(req.method === "GET" ? file.data : undefined);
    }
    this.fake.notify();
  }
}

/** Discord types an upload by its extension, and leaves `content_type` out when it cannot tell. */
function guessContentType(filename: string): string | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase();
  const types: Record<string, string> = {
    pdf: "application/pdf",
    txt: "text/plain; charset=utf-8",
    png: "image/png",
    jpg: "image/jpeg",
    zip: "application/zip",
  };
  return ext ? types[ext] : undefined;
}

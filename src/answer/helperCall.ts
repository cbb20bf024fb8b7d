import type { z } from "zod";
import type { Logger } from "../config/logger.js";
import type { ChatMessage, ChatModel } from "./chatModel.js";
import { modelFailures } from "../metrics/metrics.js";
import { failureReason, parseJson } from "./modelOutput.js";

/** A short structured call that helps an answer (a rewrite, a judgement): bounded, validated, never throwing. */
export interface HelperCall<T> {
  /** The JSON schema's name, and what the logs call this call. */
  name: string;
  jsonSchema: Record<string, unknown>;
  output: z.ZodType<T>;
  maxTokens: number;
  timeoutMs: number;
  /** What happens instead, for the log line ("searching without it"). */
  otherwise: string;
}

/** The call's validated output, or undefined (with a log line) on a timeout, HTTP error or invalid output. */
export async function callHelper<T>(model: ChatModel, messages: ChatMessage[], call: HelperCall<T>, log?: Logger): Promise<T | undefined> {
  try {
    const text = await model.complete(messages, {
      maxTokens: call.maxTokens,
      jsonSchema: { name: call.name, schema: call.jsonSchema },
      signal: AbortSignal.timeout(call.timeoutMs),
    });
    const parsed = call.output.safeParse(parseJson(text));
    if (parsed.success) return parsed.data;
    modelFailures.inc({ kind: "structured", reason: "invalid output" });
    log?.warn({ model: model.name, call: call.name }, `the model's ${call.name} output was not the JSON asked for; ${call.otherwise}`);
  } catch (err) {
    log?.warn({ err: failureReason(err), model: model.name, call: call.name }, `the model's ${call.name} call failed; ${call.otherwise}`);
  }
  return undefined;
}

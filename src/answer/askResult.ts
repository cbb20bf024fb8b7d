import type { Citation } from "./citations.js";
import type { QuotedPassage } from "./offlineAnswer.js";

export interface AskResult {
  /** Plain text (a model's answer may carry its own Markdown). */
  answer: string;
  /** The quoted passages of an offline answer, for callers that format them (bold titles, escaping); `page` when from full text. */
  passages?: QuotedPassage[];
  citations: Citation[];
  /** When not covered: the nearest papers, named but not cited (none of them answers the question). */
  nearest?: Citation[];
  /** False when the collection has nothing relevant: the answer says so and names the nearest papers. */
  covered: boolean;
  mode: "llm" | "offline";
  /** Said to the user under the answer: offline mode, a fallback after a model failure. */
  notice?: string;
  /** Why a written answer fell back to the offline one (timeout, HTTP status, ...). */
  fallbackReason?: string;
  cached: boolean;
  /** Citation markers the model wrote that named no given source (removed). */
  invalidCitations: number;
}

export const OFFLINE_NOTICE =
  "Offline answer: passages quoted from the papers. For written answers, set OPENAI_API_KEY (or OPENAI_BASE_URL for a local server) and OPENAI_MODEL.";
export const FALLBACK_NOTICE = "The language model failed, so this is the offline answer: passages quoted from the papers.";

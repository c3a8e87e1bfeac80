// Errors on screen: the core's plain-words summary in the UI's language, with the core's
// technical message as a smaller secondary line.

import type { ApiError } from "./api";
import { h } from "./dom";
import { errorWords, type Lang } from "./i18n";

/** A `<p class="error">` with the summary and, below it, the technical detail. */
export function errorBlock(lang: Lang, e: ApiError, attrs: Record<string, string> = {}): HTMLParagraphElement {
  const { summary, detail } = errorWords(lang, e);
  return h(
    "p",
    { class: "error", "data-code": e.code, ...attrs },
    summary,
    detail ? h("small", { class: "error-detail" }, detail) : null,
  );
}

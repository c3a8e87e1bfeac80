// The field document (cover list and one A4 sheet per turbine) is written by the core as one
// self-contained HTML file; the app saves it as it is, and prints it by showing its style and
// body in the print-only area.
import type { Lang } from "./i18n";

/** File name of the saved field document: "field-document-2026-11-28.html". */
export function fieldDocFileName(now: Date, lang: Lang): string {
  const d = now.toISOString().slice(0, 10);
  return `${lang === "fr" ? "dossier-terrain" : "field-document"}-${d}.html`;
}

/** The document's style and its `<article class="field-doc">`, to show inside the app's page
 * (null when the text is not a field document). */
export function documentParts(html: string): { css: string; body: string } | null {
  const style = /<style>([\s\S]*?)<\/style>/.exec(html);
  const start = html.indexOf('<article class="field-doc">');
  const end = html.lastIndexOf("</article>");
  if (!style || start < 0 || end < start) return null;
  return { css: style[1], body: html.slice(start, end + "</article>".length) };
}

import type { Category } from "../api";
import { h } from "../dom";
import { categoryText, type Lang } from "../i18n";

/** The category, written and coloured (never colour alone). */
export function badge(lang: Lang, c: Category | null): HTMLElement {
  return h("span", { class: `badge badge-${c ?? "none"}`, "data-category": c ?? "none" }, categoryText(lang, c));
}

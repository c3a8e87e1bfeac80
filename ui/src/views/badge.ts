import type { Category } from "../api";
import { h } from "../dom";

/** The category, written (in the core's words, `label`) and coloured (never colour alone). */
export function badge(label: string, c: Category | null): HTMLElement {
  return h("span", { class: `badge badge-${c ?? "none"}`, "data-category": c ?? "none" }, label);
}

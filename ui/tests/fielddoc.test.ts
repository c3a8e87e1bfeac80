import { describe, expect, it } from "vitest";
import type { FleetPage } from "../src/api";
import type { Ctx } from "../src/context";
import { documentParts, fieldDocFileName } from "../src/fielddoc";
import { NO_FILTER } from "../src/fleet";
import { filters } from "../src/views/fleet";
import { fake, installFakeDom } from "./fakedom";

// The shape the core writes (charts::field): a style, then the article holding every page.
const DOC = `<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Dossier terrain — EnergiTech Cockpit</title>
<style>
@page { size: A4 portrait; margin: 12mm; }
.field-doc .sheet { break-before: page; }
</style>
</head>
<body>
<article class="field-doc">
<section class="cover"><h1>Dossier terrain</h1></section>
<section class="sheet" id="sheet-LYO-07"><h2>LYO-07</h2><figure><svg width="760" height="300"></svg></figure></section>
</article>
</body>
</html>
`;

describe("the field document", () => {
  it("is saved under a dated name in the user's language", () => {
    const now = new Date("2026-11-28T09:30:00Z");
    expect(fieldDocFileName(now, "fr")).toBe("dossier-terrain-2026-11-28.html");
    expect(fieldDocFileName(now, "en")).toBe("field-document-2026-11-28.html");
  });

  it("is printed with its own style and pages, without the file's head", () => {
    const parts = documentParts(DOC)!;
    expect(parts.css).toContain("@page { size: A4 portrait");
    expect(parts.css).not.toContain("<style>");
    expect(parts.body.startsWith('<article class="field-doc">')).toBe(true);
    expect(parts.body.endsWith("</article>")).toBe(true);
    expect(parts.body).toContain('<section class="sheet" id="sheet-LYO-07">');
    expect(parts.body).not.toContain("<title>");
    expect(documentParts("<p>not a document</p>")).toBeNull();
  });

  it("is offered beside the CSV export, and each button calls its own action", async () => {
    installFakeDom();
    const ctx: Ctx = { lang: "fr", locale: "fr-FR", openTurbine: () => undefined, backToFleet: () => undefined };
    const calls: string[] = [];
    const labels = { critical: "critique", high: "élevé", moderate: "modéré", low: "faible", none: "non évaluée" };
    const view = { items: [], labels } as unknown as FleetPage;
    const bar = fake(
      filters(ctx, view, NO_FILTER, {
        onFilter: () => calls.push("filter"),
        onExportCsv: () => calls.push("csv"),
        onExportDocument: () => calls.push("document"),
        onPrint: () => calls.push("print"),
      }),
    );
    const save = bar.querySelector('button[data-testid="export-field-document"]')!;
    expect(save.textContent).toBe("Enregistrer le dossier terrain");
    await save.fire("click");
    const print = bar.querySelector('button[data-testid="print-worklist"]')!;
    expect(print.textContent).toBe("Imprimer le dossier terrain");
    await print.fire("click");
    expect(calls).toEqual(["document", "print"]);
  });
});

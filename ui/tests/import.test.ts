import { beforeAll, describe, expect, it } from "vitest";
import type { ApiError, ImportOutcome, IngestProgress, MappingChoice } from "../src/api";
import type { Ctx } from "../src/context";
import type { Lang } from "../src/i18n";
import { baseName, createImportDialog, MAPPING_FILE, percent, progressText, type ImportSource } from "../src/views/import";
import { fake, installFakeDom, settle } from "./fakedom";

const plain = (s: string) => s.replace(/[\u202f\u00a0]/g, " ");

const ctxOf = (lang: Lang): Ctx => ({
  lang,
  locale: lang === "fr" ? "fr-FR" : "en-GB",
  openTurbine: () => undefined,
  backToFleet: () => undefined,
});

const MAPPINGS: MappingChoice[] = [
  { name: "canonical", description: "Canonical EnergiTech Cockpit column names" },
  { name: "edp", description: "EDP open data naming, ';'-separated" },
];

const OUTCOME: ImportOutcome = {
  report: {
    accepted: 97_252,
    quarantined: 113,
    duplicates: 0,
    out_of_order: 0,
    reasons: { out_of_range: 113 },
    cleared_values: { generator_rpm: 2 },
    files: [
      {
        file: "/data/turbines.csv",
        kind: "registry",
        mapping: "edp",
        rows: 4,
        accepted: 4,
        quarantined: 0,
        duplicates: 0,
        out_of_order: 0,
        reasons: {},
        duration_ms: 3,
        absent_columns: [],
        cleared: 0,
        cleared_values: {},
        standstill_zeroed: 0,
      },
      {
        file: "/data/scada-2017.csv",
        kind: "scada",
        mapping: "edp",
        rows: 97_361,
        accepted: 97_248,
        quarantined: 113,
        duplicates: 0,
        out_of_order: 0,
        reasons: {
          out_of_range: {
            count: 113,
            example: "line 58: generator_rpm = -0.01 rpm is outside the valid range 0 to 2000 rpm",
            example_line: "R80711;2017-01-01T09:20:00+01:00;-0.01;3.2",
          },
        },
        duration_ms: 412,
        absent_columns: ["vibration_mm_s", "status"],
        cleared: 2,
        cleared_values: {
          generator_rpm: {
            count: 2,
            example: "line 77: generator_rpm = -25 rpm is outside the valid range 0 to 3000 rpm",
            example_line: "R80711;2017-01-01T12:30:00+01:00;-25;3.4",
          },
        },
        standstill_zeroed: 113,
      },
    ],
    failed: [{ file: "/data/notes.txt", error: "/data/notes.txt: the header does not look like a SCADA, turbine registry or logbook export" }],
  },
  run: {
    id: 42,
    trigger: "watch",
    started_at: "2026-11-29T10:00:00Z",
    ended_at: "2026-11-29T10:00:01Z",
    duration_ms: 900,
    status: "succeeded",
    as_of: "2026-11-29T10:00:00Z",
    scheduled_for: null,
    model_version: "1.0.0",
    turbines: 4,
    counts: { critical: 0, high: 1, moderate: 1, low: 2, not_scored: 0 },
    error_count: 0,
    error: null,
  },
  rescore_error: null,
  notes: [],
};

/** A source whose import sends `steps` progress events, then answers `outcome` (or rejects). */
function source(opts: { outcome?: ImportOutcome; fail?: ApiError; picked?: string[]; mappingFile?: string | null } = {}) {
  const calls: { paths: string[]; mapping: string }[] = [];
  let listener: ((p: IngestProgress) => void) | null = null;
  const seen: number[] = [];
  const src: ImportSource = {
    mappings: () => Promise.resolve(MAPPINGS),
    pickDataFiles: () => Promise.resolve(opts.picked ?? ["/data/scada-2017.csv", "/data/turbines.csv", "/data/notes.txt"]),
    pickMappingFile: () => Promise.resolve(opts.mappingFile ?? null),
    importFiles: async (paths, mapping) => {
      calls.push({ paths, mapping });
      for (const read of [0, 4_000_000, 9_000_000, 12_000_000]) {
        listener?.({ file: "/data/scada-2017.csv", file_index: 1, files: 2, bytes_read: read, bytes_total: 12_000_000 });
      }
      if (opts.fail) throw opts.fail;
      return opts.outcome ?? OUTCOME;
    },
    onProgress: (f) => {
      listener = (p) => {
        seen.push(p.bytes_read);
        f(p);
      };
      return Promise.resolve(() => {
        listener = null;
      });
    },
  };
  return { src, calls, seen };
}

describe("import helpers", () => {
  it("reads the file name of a path and the percent read", () => {
    expect(baseName("/data/exports/scada.csv")).toBe("scada.csv");
    expect(baseName("C:\\exports\\scada.csv")).toBe("scada.csv");
    const p = { file: "/d/a.csv", file_index: 0, files: 3, bytes_read: 2_500_000, bytes_total: 10_000_000 };
    expect(percent(p)).toBe(25);
    expect(percent({ ...p, bytes_total: 0, bytes_read: 0 })).toBe(100);
    expect(plain(progressText(ctxOf("en"), p))).toBe("25 % read (2.5 MB of 10 MB) · file 1 of 3: a.csv");
    expect(plain(progressText(ctxOf("fr"), p))).toBe("25 % lus (2,5 Mo sur 10 Mo) · fichier 1 sur 3 : a.csv");
  });
});

describe("import dialog", () => {
  beforeAll(installFakeDom);

  it("offers the built-in mappings and a TOML file, and imports only once files are chosen", async () => {
    const { src, calls } = source();
    const d = createImportDialog(ctxOf("en"), src, () => undefined, () => undefined);
    await d.ready;
    const root = fake(d.element);
    const select = root.querySelector('[data-testid="import-mapping"]')!;
    const options = select.querySelectorAll("option");
    expect(options.map((o) => o.getAttribute("value"))).toEqual(["canonical", "edp", MAPPING_FILE]);
    expect(options[1].textContent).toBe("edp — EDP open data naming, ';'-separated");
    expect(select.value).toBe("canonical");
    const start = root.querySelector('[data-testid="import-start"]')!;
    expect(start.disabled).toBe(true);
    await root.querySelector('[data-testid="import-choose"]')!.fire("click");
    expect(root.querySelector('[data-testid="import-chosen-count"]')!.textContent).toBe("3 files chosen");
    expect(root.querySelectorAll('[data-testid="import-chosen"] li').map((l) => l.textContent)).toEqual([
      "scada-2017.csv",
      "turbines.csv",
      "notes.txt",
    ]);
    expect(start.disabled).toBe(false);
    select.value = "edp";
    await select.fire("change");
    await start.fire("click");
    await settle();
    expect(calls).toEqual([{ paths: ["/data/scada-2017.csv", "/data/turbines.csv", "/data/notes.txt"], mapping: "edp" }]);
  });

  it("a TOML mapping must be picked before importing, and is sent by its path", async () => {
    const { src, calls } = source({ mappingFile: "/home/op/haute-borne.toml" });
    const d = createImportDialog(ctxOf("fr"), src, () => undefined, () => undefined);
    await d.ready;
    const root = fake(d.element);
    await root.querySelector('[data-testid="import-choose"]')!.fire("click");
    const select = root.querySelector('[data-testid="import-mapping"]')!;
    select.value = MAPPING_FILE;
    await select.fire("change");
    const start = root.querySelector('[data-testid="import-start"]')!;
    expect(start.disabled).toBe(true);
    expect(root.querySelector('[data-testid="import-mapping-file"]')!.textContent).toBe("Aucun fichier de correspondance choisi.");
    await root.querySelector('[data-testid="import-pick-mapping"]')!.fire("click");
    expect(root.querySelector('[data-testid="import-mapping-file"]')!.textContent).toBe("/home/op/haute-borne.toml");
    expect(start.disabled).toBe(false);
    await start.fire("click");
    await settle();
    expect(calls[0].mapping).toBe("/home/op/haute-borne.toml");
  });

  it("follows the progress, then shows per-file counts, reasons with their first line, failures and the rescoring", async () => {
    const { src, seen } = source();
    let imported: ImportOutcome | null = null;
    const d = createImportDialog(ctxOf("en"), src, (o) => (imported = o), () => undefined);
    await d.ready;
    const root = fake(d.element);
    await root.querySelector('[data-testid="import-choose"]')!.fire("click");
    await root.querySelector('[data-testid="import-start"]')!.fire("click");
    await settle();
    expect(seen).toEqual([0, 4_000_000, 9_000_000, 12_000_000]);
    expect(imported).toBe(OUTCOME);
    const summary = root.querySelector('[data-testid="import-summary"]')!;
    expect(plain(summary.textContent)).toContain("Import finished: 97,252 rows stored, 0 already known, 113 quarantined.");
    const files = summary.querySelectorAll('[data-testid="import-file"]');
    expect(files.map((f) => f.getAttribute("data-kind"))).toEqual(["registry", "scada"]);
    expect(files[1].textContent).toContain("scada-2017.csv — SCADA records · edp");
    expect(files[1].querySelector('[data-count="importAccepted"]')!.textContent).toBe("Stored97,248");
    const reason = files[1].querySelector('[data-testid="import-reason"]')!;
    expect(reason.getAttribute("data-reason")).toBe("out_of_range");
    expect(reason.textContent).toContain("out_of_range × 113");
    expect(reason.textContent).toContain("generator_rpm = -0.01 rpm is outside the valid range");
    expect(reason.querySelector("pre")!.textContent).toBe("R80711;2017-01-01T09:20:00+01:00;-0.01;3.2");
    expect(summary.querySelector('[data-testid="import-failed"]')!.textContent).toContain("does not look like a SCADA");
    // One bad value costs one value: the cleared ones are listed, the standstill zeros and the
    // mapping's columns this file lacks are said.
    expect(files[1].querySelector('[data-testid="import-cleared"]')!.textContent).toContain("generator_rpm × 2");
    expect(plain(files[1].textContent)).toContain("113 small negative speeds at standstill read as 0");
    expect(files[1].querySelector('[data-testid="import-absent"]')!.textContent).toContain("vibration_mm_s, status");
    expect(files[0].querySelector('[data-testid="import-cleared"]')).toBeNull();
    expect(summary.querySelector('[data-testid="import-notes"]')).toBeNull();
    expect(summary.querySelector('[data-testid="import-rescore"]')!.textContent).toBe("Fleet rescored: run #42, 0 critical, 1 high.");
    // Done: the bar is hidden and the dialog can import again.
    expect(root.querySelector('[data-testid="import-progress"]')!.hasAttribute("hidden")).toBe(true);
    expect(root.querySelector('[data-testid="import-start"]')!.disabled).toBe(false);
  });

  it("says in one line when every row of a file was quarantined", async () => {
    const note = "/data/x.csv: all 3 rows were quarantined, nothing was stored; top reasons: unknown_turbine × 3 (e.g. line 2: …)";
    const { src } = source({ outcome: { ...OUTCOME, notes: [note] } });
    const d = createImportDialog(ctxOf("en"), src, () => undefined, () => undefined);
    await d.ready;
    const root = fake(d.element);
    await root.querySelector('[data-testid="import-choose"]')!.fire("click");
    await root.querySelector('[data-testid="import-start"]')!.fire("click");
    await settle();
    expect(root.querySelector('[data-testid="import-notes"]')!.textContent).toContain("all 3 rows were quarantined");
  });

  it("says why the fleet was not rescored, or that nothing new came in", async () => {
    const notRescored: ImportOutcome = {
      ...OUTCOME,
      run: null,
      rescore_error: { code: "models", message: "no manifest.json in /models", summary_en: "The models are not available.", summary_fr: "Les modèles ne sont pas disponibles." },
    };
    const a = source({ outcome: notRescored });
    const d = createImportDialog(ctxOf("fr"), a.src, () => undefined, () => undefined);
    await d.ready;
    let root = fake(d.element);
    await root.querySelector('[data-testid="import-choose"]')!.fire("click");
    await root.querySelector('[data-testid="import-start"]')!.fire("click");
    await settle();
    let r = root.querySelector('[data-testid="import-rescore"]')!;
    expect(r.textContent).toBe("Le parc n'a pas été réévalué : Les modèles ne sont pas disponibles.");
    expect(r.getAttribute("title")).toBe("no manifest.json in /models");

    const nothing: ImportOutcome = { ...OUTCOME, report: { ...OUTCOME.report, accepted: 0 }, run: null, rescore_error: null };
    const b = source({ outcome: nothing });
    const d2 = createImportDialog(ctxOf("en"), b.src, () => undefined, () => undefined);
    await d2.ready;
    root = fake(d2.element);
    await root.querySelector('[data-testid="import-choose"]')!.fire("click");
    await root.querySelector('[data-testid="import-start"]')!.fire("click");
    await settle();
    r = root.querySelector('[data-testid="import-rescore"]')!;
    expect(r.textContent).toBe("Nothing new was stored, so the fleet was not rescored.");
  });

  it("shows the core's error when the import is refused (unknown mapping)", async () => {
    const fail: ApiError = {
      code: "mapping",
      message: "unknown mapping 'engi': it is neither a file nor one of the built-in mappings (canonical, edp)",
      summary_en: "The column mapping cannot be used.",
      summary_fr: "La correspondance de colonnes est inutilisable.",
    };
    const { src } = source({ fail });
    let imported = 0;
    const d = createImportDialog(ctxOf("en"), src, () => imported++, () => undefined);
    await d.ready;
    const root = fake(d.element);
    await root.querySelector('[data-testid="import-choose"]')!.fire("click");
    await root.querySelector('[data-testid="import-start"]')!.fire("click");
    await settle();
    const e = root.querySelector('[data-testid="import-error"]')!;
    expect(e.getAttribute("data-code")).toBe("mapping");
    expect(e.textContent).toContain("The column mapping cannot be used.");
    expect(e.textContent).toContain("unknown mapping 'engi'");
    expect(imported).toBe(0);
    expect(root.querySelector('[data-testid="import-start"]')!.disabled).toBe(false);
  });
});

// Slides builder for `make slides` (driven by build.sh). Two steps around headless Chromium:
//
//   node build.mjs html  presentation.md build/slides.html [docs/*.md ...]
//       Markdown -> one HTML page of 16:9 slides (a line "---" between slides), screenshots
//       embedded as data: URIs, Mermaid blocks as <pre class="mermaid">, the bundled mermaid.js
//       inlined. Extra Markdown files: their Mermaid blocks are appended on hidden check pages,
//       so the build also proves that every diagram of the documentation renders.
//   node build.mjs static build/rendered.html build/static.html
//       Takes the DOM Chromium dumped after Mermaid ran, fails if any diagram did not render,
//       strips the scripts and the check pages, and writes the static page that is printed.
//
// No network: marked and mermaid come from node_modules (npm ci), Chromium prints a local file.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, resolve, extname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Marked } from "marked";

const HERE = dirname(fileURLToPath(import.meta.url));
const MIME = { ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml" };

const escapeHtml = (s) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function die(msg) {
  console.error(`slides: ${msg}`);
  process.exit(1);
}

/** Splits Markdown into slides on lines that are exactly "---", outside code fences. */
function splitSlides(md) {
  const slides = [[]];
  let fence = null;
  for (const line of md.split("\n")) {
    const m = line.match(/^(```+|~~~+)/);
    if (m) fence = fence === null ? m[1] : line.startsWith(fence) ? null : fence;
    if (fence === null && line.trim() === "---") slides.push([]);
    else slides.at(-1).push(line);
  }
  return slides.map((l) => l.join("\n").trim()).filter((s) => s.length > 0);
}

/** Mermaid code blocks of a Markdown file. */
function mermaidBlocks(md) {
  return [...md.matchAll(/^```mermaid\n([\s\S]*?)^```/gm)].map((m) => m[1]);
}

function buildHtml(mdPath, outPath, checkFiles) {
  const base = dirname(resolve(mdPath));
  const marked = new Marked({
    gfm: true,
    renderer: {
      code({ text, lang }) {
        if (lang === "mermaid") return `<pre class="mermaid">${escapeHtml(text)}</pre>\n`;
        return `<pre class="code"><code>${escapeHtml(text)}</code></pre>\n`;
      },
      image({ href, title, text }) {
        const file = resolve(base, href);
        if (!existsSync(file)) die(`image not found: ${href} (from ${mdPath})`);
        const mime = MIME[extname(file).toLowerCase()] ?? die(`unsupported image type: ${href}`);
        const data = readFileSync(file).toString("base64");
        const t = title ? ` title="${escapeHtml(title)}"` : "";
        return `<img src="data:${mime};base64,${data}" alt="${escapeHtml(text)}"${t}>`;
      },
    },
  });

  const slides = splitSlides(readFileSync(mdPath, "utf8"));
  const sections = slides.map((src, i) => {
    // "<!-- class: title -->" at the top of a slide gives it a layout class.
    const cls = (src.match(/^<!--\s*class:\s*([\w -]+?)\s*-->/) ?? [])[1] ?? "";
    const body = marked.parse(src.replace(/^<!--[\s\S]*?-->\s*/, ""));
    return `<section class="slide ${cls}"><div class="inner">${body}</div>` +
      `<footer><span>EnergiTech Cockpit — soutenance technique</span><span>${i + 1} / ${slides.length}</span></footer></section>`;
  });

  // Check pages: every Mermaid block of the documentation, rendered but not printed.
  const checks = [];
  for (const f of checkFiles) {
    mermaidBlocks(readFileSync(f, "utf8")).forEach((b, j) => {
      checks.push(`<section class="check" data-source="${escapeHtml(relative(process.cwd(), f))} #${j + 1}">` +
        `<pre class="mermaid">${escapeHtml(b)}</pre></section>`);
    });
  }

  const css = readFileSync(resolve(HERE, "slides.css"), "utf8");
  const mermaidJs = readFileSync(resolve(HERE, "node_modules/mermaid/dist/mermaid.min.js"), "utf8");
  const html = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>EnergiTech Cockpit — soutenance</title>
<style>${css}</style></head>
<body>
${sections.join("\n")}
${checks.join("\n")}
<script>${mermaidJs.replace(/<\/script/gi, "<\\/script")}</script>
<script>
mermaid.initialize({ startOnLoad: false, theme: "neutral", securityLevel: "strict",
  fontFamily: "DejaVu Sans, sans-serif", flowchart: { htmlLabels: true, useMaxWidth: true } });
(async () => {
  const errors = [];
  for (const el of document.querySelectorAll("pre.mermaid")) {
    try { await mermaid.run({ nodes: [el] }); }
    catch (e) {
      const where = el.closest("section").dataset.source ?? "presentation.md";
      errors.push(where + ": " + (e && e.message ? e.message : String(e)));
    }
  }
  const out = document.createElement("div");
  out.id = "build-status";
  out.dataset.errors = JSON.stringify(errors);
  out.dataset.done = "1";
  document.body.appendChild(out);
})();
</script>
</body></html>`;
  writeFileSync(outPath, html);
  console.log(`slides: ${slides.length} slides, ${checks.length} documentation diagrams to check -> ${outPath}`);
}

function buildStatic(renderedPath, outPath) {
  let html = readFileSync(renderedPath, "utf8");
  const status = html.match(/<div id="build-status"[^>]*>/);
  if (!status || !/data-done="1"/.test(status[0]))
    die("Mermaid did not finish rendering in Chromium (raise the virtual time budget in build.sh)");
  const errors = JSON.parse(
    (status[0].match(/data-errors="([^"]*)"/) ?? [, "[]"])[1].replace(/&quot;/g, '"').replace(/&amp;/g, "&"),
  );
  const unrendered = (html.match(/<pre class="mermaid"(?![^>]*data-processed)/g) ?? []).length;
  if (errors.length || unrendered) {
    for (const e of errors) console.error(`slides: diagram error: ${e}`);
    die(`${errors.length} Mermaid diagram(s) failed, ${unrendered} not rendered`);
  }
  const diagrams = (html.match(/<pre class="mermaid"/g) ?? []).length;
  html = html
    .replace(/<script[\s\S]*?<\/script>/g, "")
    .replace(/<section class="check"[\s\S]*?<\/section>/g, "")
    .replace(/<div id="build-status"[^>]*><\/div>/, "")
    // Whatever Mermaid appended after the slides (tooltip container) would print as a blank page.
    .replace(/(<\/section>)(?![\s\S]*<\/section>)[\s\S]*?(<\/body>)/, "$1\n$2");
  writeFileSync(outPath, html);
  console.log(`slides: all ${diagrams} Mermaid diagrams rendered -> ${outPath}`);
}

const [mode, ...args] = process.argv.slice(2);
if (mode === "html" && args.length >= 2) buildHtml(args[0], args[1], args.slice(2));
else if (mode === "static" && args.length === 2) buildStatic(args[0], args[1]);
else die("usage: node build.mjs html SLIDES.md OUT.html [CHECK.md ...] | static RENDERED.html OUT.html");

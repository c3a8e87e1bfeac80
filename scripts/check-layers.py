#!/usr/bin/env python3
"""Checks that cockpit-core's modules only import from their own layer or the layers below.

The layer order is written once, in ARCHITECTURE.md, in the fenced block tagged `layers`
(bottom layer first, one `name: module module ...` line per layer). Every reference to another
module of the crate (`use crate::x`, `crate::x::y` in code, `use crate::{x, y}`) is checked:

* a module may use a module of a lower layer, or of its own layer placed before it on the line;
* anything else (an upward import, or a module of the core that no layer names) fails, naming
  the file, the line and both layers;
* the "uses" column of ARCHITECTURE.md's module table must list exactly the modules each module
  imports (a row reading "(every module ...)" is not compared), so the table stays true.

Exit status 0 when the core is clean, 1 with one line per offence otherwise.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORE = ROOT / "crates" / "cockpit-core" / "src"
ARCH = ROOT / "ARCHITECTURE.md"


def use_root(root):
    """Points the check at another checkout (the self-test's copy)."""
    global ROOT, CORE, ARCH
    ROOT = pathlib.Path(root)
    CORE = ROOT / "crates" / "cockpit-core" / "src"
    ARCH = ROOT / "ARCHITECTURE.md"


def read_layers():
    text = ARCH.read_text(encoding="utf-8")
    m = re.search(r"```layers\n(.*?)```", text, re.S)
    if not m:
        sys.exit(f"{ARCH}: no ```layers block: write the layer order there")
    order = {}  # module -> (layer index, position in layer, layer name)
    for li, line in enumerate(l for l in m.group(1).splitlines() if l.strip()):
        name, _, mods = line.partition(":")
        for pi, mod in enumerate(mods.split()):
            if mod in order:
                sys.exit(f"{ARCH}: module '{mod}' is in two layers")
            order[mod] = (li, pi, name.strip())
    return order


def read_table():
    """module -> set of modules its "uses" cell lists (None when the cell is not a list)."""
    uses = {}
    for line in ARCH.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not re.fullmatch(r"`[a-z_]+`", cells[0]):
            continue
        cell = cells[3]
        uses[cells[0].strip("`")] = None if cell.startswith("(") else set(re.findall(r"`([a-z_]+)`", cell))
    return uses


def module_of(path):
    rel = path.relative_to(CORE)
    first = rel.parts[0]
    return first[:-3] if first.endswith(".rs") else first


def strip_comments(line):
    # Doc and line comments may name other modules freely ("see crate::x").
    i = line.find("//")
    return line if i < 0 else line[:i]


def referenced(line):
    mods = set(re.findall(r"\bcrate::([a-z_][a-z0-9_]*)", line))
    for group in re.findall(r"\bcrate::\{([^}]*)", line):
        mods.update(re.findall(r"(?:^|,)\s*([a-z_][a-z0-9_]*)", group))
    mods.discard("self")
    return mods


def problems_of_tree():
    """The problems of the checkout at ROOT, as lines."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = main()
    return rc, out.getvalue()


def self_test():
    """Plants an upward import and a wrong table row in a copy of the tree: both must be named."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(CORE, pathlib.Path(tmp) / "crates" / "cockpit-core" / "src")
        shutil.copy(ARCH, pathlib.Path(tmp) / "ARCHITECTURE.md")
        use_root(tmp)
        rc, text = problems_of_tree()
        assert rc == 0, "the tree must be clean before the self-test:\n" + text
        with open(CORE / "clock.rs", "a", encoding="utf-8") as f:
            f.write("\nfn planted() { let _ = crate::telemetry::diagnostics; }\n")
        rc, text = problems_of_tree()
        assert rc == 1 and "'clock' (vocabulary) uses 'telemetry' (reports), a layer above" in text, text
        assert "the row of 'clock' says it uses" in text, text
    print("layer check self-test: an upward import and a stale table row are both caught")
    return 0


def main():
    order = read_layers()
    problems = []
    imports = {}
    files = sorted(CORE.rglob("*.rs"))
    for path in files:
        if path.name == "lib.rs" and path.parent == CORE:
            continue
        me = module_of(path)
        if me not in order:
            problems.append(f"{path.relative_to(ROOT)}: module '{me}' is in no layer of ARCHITECTURE.md")
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        pending = ""
        for no, raw in enumerate(lines, 1):
            line = strip_comments(raw)
            # `use crate::{a,\n b}` spans lines: gather it up to the `;`.
            if pending or re.search(r"\bcrate::\{", line) and ";" not in line:
                pending += " " + line
                if ";" not in line:
                    continue
                line, pending = pending, ""
            for other in referenced(line):
                if other == me:
                    continue
                imports.setdefault(me, set()).add(other)
                if other not in order:
                    problems.append(f"{path.relative_to(ROOT)}:{no}: uses crate::{other}, which is in no layer")
                    continue
                mine, theirs = order[me], order[other]
                if theirs[:2] > mine[:2]:
                    where = "a layer above" if theirs[0] > mine[0] else "after it in the same layer"
                    problems.append(
                        f"{path.relative_to(ROOT)}:{no}: '{me}' ({mine[2]}) uses '{other}' ({theirs[2]}), "
                        f"{where}: {raw.strip()}"
                    )
    table = read_table()
    for mod in sorted(set(order) | set(imports)):
        if not (CORE / f"{mod}.rs").exists() and not (CORE / mod).is_dir():
            continue
        if mod not in table:
            problems.append(f"ARCHITECTURE.md: module '{mod}' has no row in the module table")
        elif table[mod] is not None and table[mod] != imports.get(mod, set()):
            real = imports.get(mod, set())
            problems.append(
                f"ARCHITECTURE.md: the row of '{mod}' says it uses {sorted(table[mod]) or '—'}, "
                f"the code uses {sorted(real) or 'nothing'} (missing: {sorted(real - table[mod])}, "
                f"not used: {sorted(table[mod] - real)})"
            )
    for p in problems:
        print(p)
    if problems:
        print(f"layer check: {len(problems)} problem(s) (layer order and module table in ARCHITECTURE.md)")
        return 1
    print(f"layer check: {len(files)} files of cockpit-core import only downwards")
    return 0


if __name__ == "__main__":
    sys.exit(self_test() if sys.argv[1:] == ["--self-test"] else main())

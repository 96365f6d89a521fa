"""Read every manifest of the corpus with real YAML parsers in more than one language, and write
what each made of it beside the corpus (``fixtures/manifests/parser-evidence.json``).

Contract section 7 calls a manifest parser-dependent when some safe loaders accept it and others
refuse it, or read it differently. Which ones do is measured here, not argued: PyYAML (pure and
libyaml), ruamel.yaml (``pip install 'kaizen-conformance[evidence]'``), and npm's ``yaml`` and
``js-yaml`` where ``node`` can load them (``--node-modules DIR``: a folder outside the repo where
they were installed with ``npm install yaml js-yaml``; nothing from npm is committed).

Each reader gives a verdict on each entry: ``refused`` (it raised), or what the document it read
is to the contract's schema and name rules, ``valid`` or ``invalid``. An entry on whose verdict
the readers split is ``split``: parser-dependent, unless the contract settles it (a
``settled`` note in this file says which section does). ``tests/test_parser_evidence.py`` checks
the data against the readers present; the corpus's marks follow it.

Not run in CI (it needs node and npm packages). Run it from the repo's root:

    python tools/parser_evidence.py --node-modules ../hints-node/node_modules
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MANIFESTS = ROOT / "fixtures" / "manifests"
EVIDENCE = MANIFESTS / "parser-evidence.json"
MAX_BYTES = 64 * 1024
MAX_NODES = 100_000  # a document bigger than this (an alias bomb read out) is "refused"

# Splits the contract settles itself, so no parser-dependent mark: the section that does.
SETTLED = {
    "duplicate-keys": "section 1: a key given twice is invalid, whatever a loader keeps (SCH-005)",
    "version-5001-digits": (
        "section 7, item 21: its value is 1 in YAML 1.1 and 1.2; ruamel.yaml refuses it only "
        "for Python's own limit on integer strings, which is no reading of YAML"
    ),
}
# Marked parser-dependent though the YAML readers agree: what else reads them differently.
BEYOND_YAML = {
    "version-float": "section 7, item 1: JSON Schema validators differ on whether 1.0 is 1",
    "version-float-exponent": "section 7, item 1: JSON Schema validators differ on 1.0",
    "version-float-trailing-dot": "section 7, item 1: JSON Schema validators differ on 1.0",
}

NODE_READER = r"""
const fs = require("fs");
const path = require("path");
const modules = process.argv[process.argv.length - 1];
const readers = {
  "npm-yaml": (text) => require(path.join(modules, "yaml")).parse(text),
  "js-yaml": (text) => require(path.join(modules, "js-yaml")).load(text),
};
const versions = {};
for (const name of ["yaml", "js-yaml"]) {
  versions[name === "yaml" ? "npm-yaml" : name] =
    JSON.parse(fs.readFileSync(path.join(modules, name, "package.json"), "utf8")).version;
}
function bounded(value) {
  let nodes = 0;
  const walk = (v) => {
    if (++nodes > %MAX_NODES%) throw new Error("document too large");
    if (Array.isArray(v)) return v.map(walk);
    if (v instanceof Date) return {"$date": v.toISOString()};
    if (v !== null && typeof v === "object") {
      const out = {};
      for (const k of Object.keys(v)) out[k] = walk(v[k]);
      return out;
    }
    if (typeof v === "bigint") return {"$bigint": v.toString()};
    if (typeof v === "number" && !Number.isFinite(v)) return {"$number": String(v)};
    return v === undefined ? null : v;
  };
  return walk(value);
}
const files = JSON.parse(fs.readFileSync(0, "utf8"));
const results = {};
for (const [id, file] of Object.entries(files)) {
  const text = fs.readFileSync(file, "utf8");
  results[id] = {};
  for (const [name, read] of Object.entries(readers)) {
    try {
      results[id][name] = {ok: true, doc: bounded(read(text))};
    } catch (e) {
      results[id][name] = {ok: false, error: String(e && e.message || e).slice(0, 200)};
    }
  }
}
process.stdout.write(JSON.stringify({versions, results}));
""".replace("%MAX_NODES%", str(MAX_NODES))


def bounded(value: Any) -> Any:
    """The document as JSON data, refused past ``MAX_NODES`` (aliases are read out)."""
    count = [0]

    def walk(item: Any) -> Any:
        count[0] += 1
        if count[0] > MAX_NODES:
            raise ValueError("document too large")
        if isinstance(item, dict):
            return {str(k) if not isinstance(k, str) else k: walk(v) for k, v in item.items()}
        if isinstance(item, list | tuple):
            return [walk(v) for v in item]
        if isinstance(item, bool | int | float | str) or item is None:
            return item
        return {"$" + type(item).__name__: str(item)}

    return walk(value)


def python_readers() -> dict[str, tuple[str, Callable[[str], Any]]]:
    """name -> (version, read) for the Python readers installed here."""
    import yaml

    readers: dict[str, tuple[str, Callable[[str], Any]]] = {
        "pyyaml-pure": (yaml.__version__, lambda text: yaml.load(text, Loader=yaml.SafeLoader)),
    }
    if getattr(yaml, "__with_libyaml__", False):
        readers["pyyaml-libyaml"] = (
            yaml.__version__,
            lambda text: yaml.load(text, Loader=yaml.CSafeLoader),
        )
    try:
        import ruamel.yaml
    except ImportError:
        return readers

    def ruamel_read(text: str) -> Any:
        return ruamel.yaml.YAML(typ="safe", pure=True).load(text)

    readers["ruamel-yaml"] = (ruamel.yaml.__version__, ruamel_read)
    return readers


def verdict_of(document: Any) -> str:
    """The contract's word on a document a reader produced: valid or invalid (schema, names)."""
    from kaizen_conformance import contract

    if not contract.validator("manifest").is_valid(document):
        return "invalid"
    names = [agent["name"] for agent in document["agents"]]
    return "valid" if len(names) == len(set(names)) else "invalid"


def entries() -> dict[str, Path]:
    """id -> manifest file of every corpus entry stored as a file (generated ones are sizes)."""
    import yaml

    rows = yaml.safe_load((MANIFESTS / "corpus.yml").read_text(encoding="utf-8"))
    return {row["id"]: MANIFESTS / row["file"] for row in rows if "file" in row}


def before_yaml(data: bytes) -> str:
    """What the contract decides on the bytes before any YAML reader: not UTF-8, too large."""
    if len(data) > MAX_BYTES:
        return "larger than 64 KiB"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8"
    return ""


def read_python(files: dict[str, Path]) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    readers = python_readers()
    results: dict[str, dict[str, str]] = {}
    for entry_id, path in files.items():
        text = path.read_bytes().decode("utf-8")
        results[entry_id] = {}
        for name, (_, read) in readers.items():
            try:
                results[entry_id][name] = verdict_of(bounded(read(text)))
            except Exception:  # noqa: BLE001 - whatever a reader raises, it refused
                results[entry_id][name] = "refused"
    return {name: version for name, (version, _) in readers.items()}, results


def read_node(
    files: dict[str, Path], modules: Path | None
) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    node = shutil.which("node")
    if node is None or modules is None or not (modules / "yaml").is_dir():
        return {}, {}
    done = subprocess.run(
        [node, "-e", NODE_READER, str(modules)],
        input=json.dumps({k: str(v) for k, v in files.items()}),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    answer = json.loads(done.stdout)
    results: dict[str, dict[str, str]] = {}
    for entry_id, by_reader in answer["results"].items():
        results[entry_id] = {
            name: verdict_of(read["doc"]) if read["ok"] else "refused"
            for name, read in by_reader.items()
        }
    return answer["versions"], results


def measure(modules: Path | None) -> dict[str, Any]:
    """The evidence: the readers and their versions, and each entry's verdict by each reader."""
    files = entries()
    decided = {k: before_yaml(p.read_bytes()) for k, p in files.items()}
    readable = {k: p for k, p in files.items() if not decided[k]}
    versions, python = read_python(readable)
    node_versions, node = read_node(readable, modules)
    versions.update(node_versions)
    measured: dict[str, Any] = {}
    for entry_id in sorted(files):
        if decided[entry_id]:
            measured[entry_id] = {"before_yaml": decided[entry_id]}
            continue
        readers = {**python.get(entry_id, {}), **node.get(entry_id, {})}
        # split: some readers make it a valid manifest and others do not (refused, or read as
        # an invalid document): the verdict depends on the reader
        split = len({verdict == "valid" for verdict in readers.values()}) > 1
        measured[entry_id] = {
            "readers": dict(sorted(readers.items())),
            "split": split,
            **({"settled": SETTLED[entry_id]} if split and entry_id in SETTLED else {}),
            **({"beyond_yaml": BEYOND_YAML[entry_id]} if entry_id in BEYOND_YAML else {}),
        }
    return {
        "about": (
            "Each corpus entry read by each YAML reader: 'refused', or the contract's verdict on "
            "the document it read. 'split': the readers disagree, so the entry is parser-dependent "
            "(contract section 7) unless 'settled' names the section that decides it. Written by "
            "tools/parser_evidence.py; checked by tests/test_parser_evidence.py."
        ),
        "readers": dict(sorted(versions.items())),
        "entries": measured,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--node-modules", type=Path, help="where npm installed yaml and js-yaml")
    parser.add_argument("--out", type=Path, default=EVIDENCE)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    evidence = measure(args.node_modules)
    args.out.write_text(json.dumps(evidence, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    splits = [k for k, v in evidence["entries"].items() if v.get("split")]
    print(f"{len(evidence['entries'])} entries, readers {', '.join(evidence['readers'])}")
    print(f"split: {', '.join(splits) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""MkDocs hooks of the documentation site (``hooks:`` in mkdocs.yml): what is generated joins what is written.

* The algorithm reference is generated from the provider (``scripts/docs_reference.py`` writes it to
  ``build/docs/reference``): its pages join the site under ``reference/``, and the navigation entry
  ``reference/index.md`` becomes a section listing them in toolbox order (``nav.json``), so a new algorithm
  appears with no edit here.
* The screenshots (``make screenshots`` writes them to ``build/screenshots``) join it under ``screenshots/``:
  generated pictures are never committed.
* A page of the navigation marked as pending in mkdocs.yml (``extra.pending_pages``: pages other branches
  write) is left out of the navigation until its file exists.

Nothing is copied into ``docs/``; the site is written to ``build/site``.
"""
from __future__ import annotations

import json
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

REPO_ROOT = Path(__file__).resolve().parents[1]
REFERENCE = REPO_ROOT / "build" / "docs" / "reference"
SCREENSHOTS = REPO_ROOT / "build" / "screenshots"
REFERENCE_INDEX = "reference/index.md"


def _pruned(nav, docs_dir: Path, pending: set[str]):
    """``nav`` without the pending pages whose files are absent, and with the reference as a section."""
    entries = []
    for entry in nav:
        if isinstance(entry, dict):
            (title, target), = entry.items()
            if isinstance(target, list):
                entries.append({title: _pruned(target, docs_dir, pending)})
            elif target == REFERENCE_INDEX:
                entries.append({title: _reference_section()})
            elif target not in pending or (docs_dir / target).is_file():
                entries.append(entry)
        elif entry not in pending or (docs_dir / entry).is_file():
            entries.append(entry)
    return entries


def _reference_section() -> list:
    manifest = REFERENCE / "nav.json"
    if not manifest.is_file():
        raise PluginError(f"{manifest} is missing: the algorithm reference is generated from the provider by "
                          "'make docs' (scripts/docs_reference.py) before MkDocs runs")
    pages = json.loads(manifest.read_text(encoding="utf-8"))
    return [{"Overview": REFERENCE_INDEX}] + [{page["title"]: f"reference/{page['file']}"} for page in pages]


def on_config(config):
    """Fill in the generated reference's navigation; leave out pending pages not written yet."""
    pending = set(config["extra"].get("pending_pages", []))
    config["nav"] = _pruned(config["nav"], Path(config["docs_dir"]), pending)
    return config


def on_files(files, config):
    """Add the generated reference pages and the screenshots to the site's files."""
    for path in sorted(REFERENCE.glob("*.md")):
        files.append(File.generated(config, f"reference/{path.name}", abs_src_path=str(path)))
    for path in sorted(SCREENSHOTS.glob("*.png")):
        files.append(File.generated(config, f"screenshots/{path.name}", abs_src_path=str(path)))
    return files

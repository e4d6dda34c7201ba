#!/usr/bin/env python3
"""`make docs-check`: open every page of the built site in headless Chromium, as a reader's browser would.

Usage::

    python scripts/docs_check.py build/site

Each page is served over HTTP from this machine (as the published site is served: the search index loads
only so) from a copy of the site into which a probe is written: when the page has loaded, it
records the images that did not load (no pixels), the script errors, and the length of the rendered article
in an attribute of ``<body>``, which Chromium's ``--dump-dom`` prints. A page fails when an image is missing,
a script failed, or its article is empty. Exits 1 listing what failed, 0 with the count of pages checked.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import html
import http.server
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

PROBE = """<script>
window.hsiErrors = [];
window.addEventListener("error", function (event) { window.hsiErrors.push(String(event.message)); });
window.addEventListener("load", function () {
  setTimeout(function () {
    var broken = Array.prototype.filter.call(document.images, function (image) {
      return !image.complete || image.naturalWidth === 0;
    }).map(function (image) { return image.getAttribute("src"); });
    var article = document.querySelector("article");
    document.body.setAttribute("data-hsi-check", JSON.stringify({
      broken: broken, errors: window.hsiErrors, article: article ? article.innerText.trim().length : 0
    }));
  }, 200);
});
</script>
"""
FINDINGS = re.compile(r'data-hsi-check="([^"]*)"')


def pages(site: Path) -> list[Path]:
    """Every page of the site (404.html aside: it is served from wherever the missing address was)."""
    return sorted(path for path in site.rglob("*.html") if path.name != "404.html")


def probe(copy: Path) -> None:
    """Write the probe into every page of ``copy`` (the site's copy, never the site itself)."""
    for page in pages(copy):
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace("</head>", PROBE + "</head>", 1), encoding="utf-8")


@contextlib.contextmanager
def serving(folder: Path):
    """``folder`` served over HTTP on a free port of this machine, quietly; yields the base address."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *_):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        thread.join()


def check(chromium: str, address: str) -> list[str]:
    """What is wrong with the page at ``address`` as Chromium renders it (nothing: an empty list)."""
    completed = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1280,4000",
         "--virtual-time-budget=5000", "--dump-dom", address],
        capture_output=True, text=True, timeout=120,
    )
    found = FINDINGS.search(completed.stdout)
    if found is None:
        return [f"did not render (Chromium exit code {completed.returncode}): {completed.stderr[-500:]}"]
    findings = json.loads(html.unescape(found.group(1)))
    problems = [f"image not shown: {src}" for src in findings["broken"]]
    problems += [f"script error: {error}" for error in findings["errors"]]
    if findings["article"] == 0:
        problems.append("the page's article is empty")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the built site (build/site)")
    site = parser.parse_args(argv).site.resolve()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("docs-check: chromium is missing (make docs-setup installs it)", file=sys.stderr)
        return 1
    if not (site / "index.html").is_file():
        print(f"docs-check: {site} holds no built site (make docs builds it)", file=sys.stderr)
        return 1
    failed = {}
    with tempfile.TemporaryDirectory(prefix="hsi-lime-site-") as folder:
        copy = Path(folder) / "site"
        shutil.copytree(site, copy)
        probe(copy)
        checked = pages(copy)
        with serving(copy) as base:
            for page in checked:
                problems = check(chromium, base + page.relative_to(copy).as_posix())
                if problems:
                    failed[str(page.relative_to(copy))] = problems
    for page, problems in failed.items():
        print(f"docs-check: {page}: " + "; ".join(problems), file=sys.stderr)
    print(f"docs-check: {len(checked) - len(failed)} of {len(checked)} pages render with every image")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Reading the documentation as the tests check it: its pages, their runnable examples, links and anchors.

A runnable example is a fenced code block right after the comment ``<!-- runnable: KEY=VALUE ... -->``
(invisible on GitHub and on the site). Its keys:

* ``setup``: what the fresh folder it runs in holds: ``demo`` (the demo's ``demo_scene.tif``, ``demo_soil.pt``,
  ``demo_soil.json`` and ``demo_fields.gpkg``, as ``make demo`` writes them to ``build/demo``) or ``empty``;
* ``folder``: blocks of one page with the same folder name share one folder, in page order (a model made by
  one block, explained by the next);
* ``exit``: the exit status it must end with (default 0).

A ``python`` block runs with the project's Python, a ``bash`` block with bash (``qgis_process`` finds the
plugin installed). The fenced block after a later ``<!-- output -->`` comment (before the next runnable
block) is what it must print: a line ``...`` stands for any number of lines; text must match (whitespace
aside) and numbers must match (integers exactly, decimals to 2 % or two units of their last digit: the last
digits vary between numpy and BLAS builds).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from helpers import REPO_ROOT

DOCS = REPO_ROOT / "docs"
README = REPO_ROOT / "README.md"
SITE_URL = "https://hsi-lime.github.io/hsi-lime/"
RUNNABLE = re.compile(r"<!--\s*runnable:(?P<options>[^>]*)-->\s*\n```(?P<language>\w+)\n(?P<code>.*?)\n```", re.DOTALL)
OUTPUT = re.compile(r"<!--\s*output\s*-->\s*\n```\w*\n(?P<text>.*?)\n```", re.DOTALL)
NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
#: Markdown links and images (the target up to a space or the closing parenthesis), and <https://...> links.
LINK = re.compile(r"!?\[[^\]]*\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)|<(?P<auto>https?://[^>\s]+)>")
FENCE = re.compile(r"^```.*?^```", re.DOTALL | re.MULTILINE)


@dataclass
class Example:
    """One runnable code block of a page and what it must print."""

    page: str
    line: int
    language: str
    code: str
    setup: str = "empty"
    folder: str | None = None
    exit: int = 0
    expected: str | None = None

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"


def pages() -> list[Path]:
    """Every written page: the README and the Markdown under docs/ (an algorithm's notes included)."""
    return [README] + sorted(DOCS.rglob("*.md"))


def page_name(path: Path) -> str:
    return path.relative_to(REPO_ROOT).as_posix()


def examples(path: Path) -> list[Example]:
    """The runnable examples of a page, each with the expected output that follows it, if any."""
    text = path.read_text(encoding="utf-8")
    found = list(RUNNABLE.finditer(text))
    result = []
    for number, match in enumerate(found):
        options = dict(item.split("=", 1) for item in match.group("options").split())
        end = found[number + 1].start() if number + 1 < len(found) else len(text)
        output = OUTPUT.search(text, match.end(), end)
        result.append(Example(
            page=page_name(path), line=text.count("\n", 0, match.start()) + 1, language=match.group("language"),
            code=match.group("code"), setup=options.get("setup", "empty"), folder=options.get("folder"),
            exit=int(options.get("exit", 0)), expected=output.group("text") if output else None,
        ))
    return result


def _same_number(expected: str, actual: str) -> bool:
    if "." not in expected and "e" not in expected.lower():
        return expected.lstrip("+") == actual.lstrip("+")
    decimals = len(expected.split(".")[1].split("e")[0]) if "." in expected else 0
    tolerance = max(0.02 * abs(float(expected)), 2 * 10.0 ** -decimals)
    return abs(float(expected) - float(actual)) <= tolerance


def same_line(expected: str, actual: str) -> bool:
    """Whether ``actual`` reads as ``expected``: the same words, numbers as close as the module says."""
    def words(text):
        return [" ".join(part.split()) for part in NUMBER.split(text)]

    numbers = NUMBER.findall(expected), NUMBER.findall(actual)
    return (words(expected) == words(actual) and len(numbers[0]) == len(numbers[1])
            and all(_same_number(e, a) for e, a in zip(*numbers)))


def output_matches(expected: str, actual: str) -> bool:
    """Whether the printed ``actual`` shows ``expected``, a line ``...`` standing for any number of lines."""
    wanted = [line.rstrip() for line in expected.strip("\n").split("\n")]
    got = [line.rstrip() for line in actual.rstrip("\n").split("\n")]
    # matched[i][j]: the first i expected lines match the first j printed lines
    matched = [[False] * (len(got) + 1) for _ in range(len(wanted) + 1)]
    matched[0][0] = True
    for i, line in enumerate(wanted, start=1):
        for j in range(len(got) + 1):
            if line == "...":
                matched[i][j] = matched[i - 1][j] or (j > 0 and matched[i][j - 1])
            else:
                matched[i][j] = j > 0 and matched[i - 1][j - 1] and same_line(line, got[j - 1])
    return matched[len(wanted)][len(got)]


# --- links and anchors --------------------------------------------------------------------------------
def slug(heading: str) -> str:
    """The anchor Python-Markdown's table of contents gives a heading (MkDocs' default ``toc`` slugify):
    its text without Markdown, to ASCII, lower case, punctuation dropped, spaces and hyphens as one hyphen."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text
    text = re.sub(r"[`*]|\s+\{[^}]*\}$", "", text)  # code and emphasis marks, an attribute list
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def anchors(text: str) -> set[str]:
    """The anchors of a page: its headings' (outside code blocks; repeated ones numbered as MkDocs does),
    explicit ``{#id}`` attributes, and the objects mkdocstrings documents (``::: path``)."""
    prose = FENCE.sub("", text)
    found, seen = set(), {}
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*$", prose, flags=re.MULTILINE):
        explicit = re.search(r"\{#([\w-]+)\}\s*$", heading)
        anchor = explicit.group(1) if explicit else slug(heading)
        count = seen.get(anchor, 0)
        seen[anchor] = count + 1
        found.add(anchor if count == 0 else f"{anchor}_{count}")
    found.update(re.findall(r"^:::\s+([\w.]+)", prose, flags=re.MULTILINE))
    return found


@dataclass
class Link:
    page: str
    target: str

    def __str__(self):
        return f"{self.page}: {self.target}"


def links(page: str, text: str) -> list[Link]:
    """The links and images of ``page`` (its repository path; ``docs/reference/...`` for a generated one),
    outside code."""
    prose = re.sub(r"`[^`\n]*`", "", FENCE.sub("", text))
    return [Link(page, match.group("target") or match.group("auto")) for match in LINK.finditer(prose)]


@dataclass
class Site:
    """The site's pages as ``docs/``-relative paths -> their Markdown (generated ones included), and the pictures
    ``make screenshots`` takes."""

    pages: dict[str, str]
    pictures: set[str]
    files: set[str] = field(default_factory=set)

    def resolve(self, link: Link) -> tuple[str | None, str]:
        """The ``docs/``-relative file a link points at (None for an outside address) and its anchor."""
        target, _, anchor = link.target.partition("#")
        if target.startswith(SITE_URL):
            path = target[len(SITE_URL):].rstrip("/")
            if path.endswith((".png", ".svg", ".py")):
                return path, anchor
            return (f"{path}.md" if path and f"{path}.md" in self.pages else f"{path}/index.md".lstrip("/")), anchor
        if re.match(r"^[a-z]+:", target):
            return None, anchor
        if link.page == "README.md":  # relative to the repository; the docs/ part of the site
            resolved = Path(target)
            return (resolved.relative_to("docs").as_posix() if resolved.parts[:1] == ("docs",) else f"../{target}"), anchor
        base = Path(link.page).parent.relative_to("docs")
        resolved = (base / target).as_posix() if target else Path(link.page).relative_to("docs").as_posix()
        return _normalise(resolved), anchor

    def problem(self, link: Link) -> str | None:
        """What is wrong with ``link`` (None: nothing)."""
        path, anchor = self.resolve(link)
        if path is None:
            return None
        if path.startswith("screenshots/"):
            return None if path.split("/", 1)[1] in self.pictures else "no such picture in scripts/screenshots.py"
        if path.startswith("../"):
            return None if (REPO_ROOT / path[3:]).exists() else "no such file in the repository"
        if path.endswith(".md"):
            if path not in self.pages:
                return "no such page"
            if anchor and anchor not in anchors(self.pages[path]):
                return f"no heading with the anchor #{anchor} on {path}"
            return None
        return None if path in self.files else "no such file under docs/"


def _normalise(path: str) -> str:
    parts = []
    for part in path.split("/"):
        if part == "..":
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)

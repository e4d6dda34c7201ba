"""`make check-plugin`: what the QGIS plugin repository runs on an uploaded ZIP, run here on the built one.

The repository (qgis/QGIS-Plugins-Website) validates the metadata at upload (qgis-app/plugins/validator.py:
required fields, LICENSE, the top folder's name, no .pyc or __pycache__, at most 25 MB), then scans the
extracted ZIP (qgis-app/plugins/security_scanner.py): Bandit limited to its enabled rules, detect-secrets
with its enabled plugins, flake8 (information only) and its file checks (executable bits, hidden files,
suspicious and binary files). A Bandit or detect-secrets finding blocks the upload until the publisher skips
the rule, where the rule may be skipped. The rule lists are kept in scripts/plugin_repository_rules.json
(source and date inside): the checks here run where that site's source cannot be reached.

The tools (scripts/check_tools.txt) go into build/check-venv, never into the plugin's dependencies.
Prints the report, writes it as JSON (--json) and exits 0 when nothing blocks, 1 when something does,
3 when the tools cannot be installed (no package index).
"""
from __future__ import annotations

import argparse
import configparser
import io
import json
import re
import subprocess
import sys
import tempfile
import urllib.request
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RULES = json.loads((REPO / "scripts" / "plugin_repository_rules.json").read_text(encoding="utf-8"))
TOOLS = REPO / "scripts" / "check_tools.txt"
VENV = REPO / "build" / "check-venv"
MAX_SIZE = 25_000_000  # validator.py: PLUGIN_MAX_UPLOAD_SIZE
REQUIRED = ("name", "description", "version", "qgisMinimumVersion", "author", "email", "about", "tracker",
            "repository")
SUSPICIOUS = (".exe", ".dll", ".so", ".dylib", ".bat", ".sh", ".ps1", ".cmd")
HIDDEN_ALLOWED = (".gitignore", ".gitattributes", ".bandit", ".secrets.baseline", ".flake8")
PLACEHOLDER_URLS = {"tracker": "http://bugs", "repository": "http://repo", "homepage": "http://homepage"}
TOOLS_UNAVAILABLE = 3


def ensure_tools() -> Path:
    """build/check-venv with the pinned tools, made once (again when check_tools.txt changes); its Python, which
    runs each tool as a module (``-m bandit``): the venv's scripts name in their first line the path it was made at,
    and a Debian root's build folder serves checkouts at other paths."""
    stamp = VENV / ".check_tools"
    if stamp.is_file() and stamp.read_text() == TOOLS.read_text():
        return VENV / "bin" / "python"
    steps = ([sys.executable, "-m", "venv", "--clear", str(VENV)],
             [str(VENV / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r",
              str(TOOLS)])
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"check-plugin: cannot install the checking tools ({' '.join(step[:4])}...):\n{done.stderr[-2000:]}",
                  file=sys.stderr)
            raise SystemExit(TOOLS_UNAVAILABLE)
    stamp.write_text(TOOLS.read_text())
    return VENV / "bin" / "python"


# --- metadata: validator.py ----------------------------------------------------------------------
def archive_problems(archive: zipfile.ZipFile) -> list[str]:
    """Names validator.py refuses: paths, .pyc, __MACOSX/.git/__pycache__ folders, backslashes, drive letters."""
    problems = []
    for name in archive.namelist():
        parts = name.split("/")
        if ".." in name or name.startswith("/") or "\\" in name or re.match(r"^[A-Za-z]:", name):
            problems.append(f"{name}: path information, backslash or drive letter")
        if ".pyc" in name:
            problems.append(f"{name}: .pyc file")
        problems += [f"{name}: {folder} folder" for folder in ("__MACOSX", ".git", "__pycache__") if folder in parts]
    bad = archive.testzip()
    return problems + ([f"{bad}: bad CRC"] if bad else [])


def read_metadata(archive: zipfile.ZipFile, top: str) -> dict[str, str]:
    """The [general] section of <top>/metadata.txt as validator.py parses it (keys case-sensitive)."""
    parser = configparser.ConfigParser()
    parser.optionxform = str
    parser.read_file(io.StringIO(archive.read(f"{top}/metadata.txt").decode("utf-8")))
    return dict(parser.items("general"))


def url_problems(metadata: dict[str, str]) -> tuple[list[str], list[str]]:
    """Malformed or placeholder URLs (errors); URLs not reachable from this machine (warnings: the repository
    asks each for a status below 400 within 10 s, which needs a network this check may not have)."""
    errors, warnings = [], []
    for key, placeholder in PLACEHOLDER_URLS.items():
        url = metadata.get(key, "")
        if not url and key == "homepage":
            continue
        if url == placeholder or not re.match(r"^[a-z][a-z0-9+.-]*://[^/\s]+", url):
            errors.append(f"{key}: {url!r} is not a valid URL")
        elif not reachable(url):
            warnings.append(f"{key}: {url} could not be reached from here (the repository checks it at upload)")
    return errors, warnings


def reachable(url: str) -> bool:
    """Whether a HEAD request to ``url`` answers below 400 within 10 s."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=10) as answer:
            return answer.status < 400
    except (OSError, ValueError):
        return False


def layout_rules(path: Path, names: list[str], top: str) -> tuple[list[str], list[str]]:
    """validator.py's rules on the archive itself: size, names, one top folder named as a Python identifier,
    __init__.py, metadata.txt and LICENSE in it. Returns (errors, warnings)."""
    errors = [f"{path.stat().st_size} bytes: more than {MAX_SIZE}"] if path.stat().st_size > MAX_SIZE else []
    errors += archive_problems(zipfile.ZipFile(path))
    if not top.isidentifier() or not re.match(r"^[A-Za-z][A-Za-z0-9-_]+$", top):
        errors.append(f"top folder {top!r} is not a Python identifier of ASCII letters, digits and _")
    errors += [f"{top}/{f} is missing" for f in ("__init__.py", "metadata.txt", "LICENSE") if f"{top}/{f}" not in names]
    tops = sorted({name.split("/")[0] for name in names})
    return errors, [f"several top folders: {', '.join(tops)}"] if len(tops) > 1 else []


def field_rules(metadata: dict[str, str], names: list[str], top: str) -> tuple[list[str], list[str]]:
    """validator.py's rules on metadata.txt's fields: required ones, author, icon, URLs, supportsQt6."""
    errors = [f"metadata.txt lacks {key}" for key in REQUIRED if key not in metadata]
    errors += ["author contains a slash"] if "/" in metadata.get("author", "") else []
    warnings = []
    if metadata.get("icon") and f"{top}/{metadata['icon'].removeprefix('./')}" not in names:
        warnings.append(f"icon {metadata['icon']} is not in the ZIP")
    if "supportsQt6" in metadata:
        warnings.append("supportsQt6 is deprecated on the repository (QGIS 4 is told by qgisMaximumVersion)")
    url_errors, url_warnings = url_problems(metadata)
    return errors + url_errors, warnings + url_warnings


def metadata_rules(path: Path) -> dict:
    """validator.py's rules on the ZIP at ``path``: its top folder, size, errors and warnings."""
    names = zipfile.ZipFile(path).namelist()
    top = names[0].split("/")[0]
    summary = {"top": top, "files": len(names), "bytes": path.stat().st_size}
    errors, warnings = layout_rules(path, names, top)
    if f"{top}/metadata.txt" in names:
        try:
            metadata = read_metadata(zipfile.ZipFile(path), top)
        except (configparser.Error, UnicodeDecodeError) as error:  # validator.py: "Errors parsing metadata.txt"
            return {**summary, "errors": errors + [f"errors parsing metadata.txt: {error}"], "warnings": warnings}
        more_errors, more_warnings = field_rules(metadata, names, top)
        errors, warnings = errors + more_errors, warnings + more_warnings
    return {**summary, "errors": errors, "warnings": warnings}


# --- the scan: security_scanner.py ----------------------------------------------------------------
def bandit(python: Path, folder: Path) -> list[dict]:
    """Bandit's findings with the repository's enabled tests (its command line: -r, -f json, --quiet, -t)."""
    done = subprocess.run([str(python), "-m", "bandit", "-r", str(folder), "-f", "json", "--quiet", "-t",
                           ",".join(RULES["bandit"]["enabled"])], capture_output=True, text=True)
    results = json.loads(done.stdout)["results"]
    return [{"file": str(Path(r["filename"]).relative_to(folder)), "line": r["line_number"], "test": r["test_id"],
             "text": r["issue_text"]} for r in results]


def secrets(python: Path, folder: Path) -> list[dict]:
    """detect-secrets' findings as the repository scans: all files but metadata.txt, its disabled plugins off."""
    command = [str(python), "-m", "detect_secrets", "scan", "--all-files", "--exclude-files", r"metadata\.txt",
               "--exclude-files", r"\.secrets\.baseline"]
    for plugin in RULES["secrets"]["disabled"]:
        command += ["--disable-plugin", plugin]
    done = subprocess.run(command + ["."], cwd=folder, capture_output=True, text=True)
    results = json.loads(done.stdout)["results"]
    return [{"file": name, "line": s["line_number"], "type": s["type"]} for name, found in results.items()
            for s in found]


def flake8(python: Path, folder: Path) -> dict[str, int]:
    """flake8 counts per code, for information: the repository's enabled codes, and flake8-qgis's QGS codes."""
    select = ",".join(RULES["flake8"]["enabled"] + ["QGS"])
    done = subprocess.run([str(python), "-m", "flake8", "--max-line-length=120", f"--select={select}",
                           "--format=%(code)s", str(folder)], capture_output=True, text=True)
    counts: dict[str, int] = {}
    for code in done.stdout.split():
        counts[code] = counts.get(code, 0) + 1
    return dict(sorted(counts.items()))


def is_binary(data: bytes) -> bool:
    """A file that is not UTF-8 text (a NUL byte, or bytes that do not decode)."""
    if b"\0" in data:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def file_checks(path: Path) -> dict[str, list[str]]:
    """The file rules: FILE_EXECUTABLE (an execute bit), FILE_HIDDEN, FILE_SUSPICIOUS (extension), FILE_BINARY."""
    found: dict[str, list[str]] = {code: [] for code in RULES["file_analysis"]}
    archive = zipfile.ZipFile(path)
    for info in archive.infolist():
        if info.is_dir():
            continue
        base = info.filename.rsplit("/", 1)[-1]
        if (info.external_attr >> 16) & 0o111:
            found["FILE_EXECUTABLE"].append(info.filename)
        if base.startswith(".") and base not in HIDDEN_ALLOWED:
            found["FILE_HIDDEN"].append(info.filename)
        if info.filename.lower().endswith(SUSPICIOUS):
            found["FILE_SUSPICIOUS"].append(info.filename)
        if is_binary(archive.read(info)):
            found["FILE_BINARY"].append(info.filename)
    return found


# --- the report -------------------------------------------------------------------------------------
def blocking(report: dict) -> list[str]:
    """What blocks the upload: metadata errors, any Bandit or detect-secrets finding, an unskippable file rule."""
    rules = RULES["file_analysis"]
    blocked = [f"metadata: {error}" for error in report["metadata"]["errors"]]
    blocked += [f"bandit {f['test']} {f['file']}:{f['line']}" for f in report["bandit"]]
    blocked += [f"detect-secrets {f['type']} {f['file']}:{f['line']}" for f in report["secrets"]]
    return blocked + [f"{code} {name}" for code, names in report["files"].items() for name in names
                      if rules[code]["enabled"] and not rules[code]["can_be_skipped"]]


def print_report(path: Path, report: dict) -> None:
    """The report as lines a publisher reads before uploading."""
    meta, rules = report["metadata"], RULES["file_analysis"]
    print(f"check-plugin: {path.name}, {meta['files']} files, {meta['bytes'] / 1024:.0f} KiB, top folder {meta['top']}")
    print(f"  metadata (validator.py): {len(meta['errors'])} errors, {len(meta['warnings'])} warnings")
    for line in [f"error: {e}" for e in meta["errors"]] + [f"warning: {w}" for w in meta["warnings"]]:
        print(f"    {line}")
    print(f"  bandit ({len(RULES['bandit']['enabled'])} enabled rules): {len(report['bandit'])} findings")
    for f in report["bandit"]:
        print(f"    {f['test']} {f['file']}:{f['line']} {f['text']}")
    print(f"  detect-secrets ({len(RULES['secrets']['enabled'])} enabled plugins): {len(report['secrets'])} findings")
    for f in report["secrets"]:
        print(f"    {f['type']} {f['file']}:{f['line']}")
    for code, names in report["files"].items():
        rule = rules[code]
        kind = "off" if not rule["enabled"] else "skippable" if rule["can_be_skipped"] else "blocking"
        print(f"  {code} ({rule['severity']}, {kind}): {', '.join(names) or 'none'}")
    flake = ", ".join(f"{code} x{n}" for code, n in report["flake8"].items()) or "none"
    print(f"  flake8 + flake8-qgis (information): {sum(report['flake8'].values())} findings: {flake}")
    blocked = blocking(report)
    print("check-plugin: " + ("BLOCKED: " + "; ".join(blocked) if blocked else "nothing blocks the upload"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zip", type=Path)
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args(argv)
    python = ensure_tools()
    with tempfile.TemporaryDirectory() as extracted:
        folder = Path(extracted)
        zipfile.ZipFile(args.zip).extractall(folder)
        report = {"metadata": metadata_rules(args.zip), "bandit": bandit(python, folder),
                  "secrets": secrets(python, folder), "files": file_checks(args.zip), "flake8": flake8(python, folder)}
    print_report(args.zip, report)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({**report, "blocking": blocking(report)}, indent=1))
    return 1 if blocking(report) else 0


if __name__ == "__main__":
    raise SystemExit(main())

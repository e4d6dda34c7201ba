"""`make check-plugin`: the plugin repository's upload checks pass on the built ZIP, and catch what they should."""
import json
import subprocess
import sys
import zipfile

import pytest

from helpers import REPO_ROOT

CHECK = REPO_ROOT / "scripts" / "check_plugin.py"
TOOLS_UNAVAILABLE = 3


def check(zip_path, tmp_path):
    """Run scripts/check_plugin.py on ``zip_path``: (exit code, report dict, printed text); skips without tools."""
    report = tmp_path / "report.json"
    done = subprocess.run([sys.executable, str(CHECK), str(zip_path), "--json", str(report)],
                          capture_output=True, text=True, timeout=900)
    if done.returncode == TOOLS_UNAVAILABLE:
        pytest.skip(f"the checking tools cannot be installed here: {done.stderr.strip()[-300:]}")
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(report.read_text()), done.stdout


def test_the_built_zip_passes_the_upload_checks(plugin_zip, tmp_path):
    code, report, text = check(plugin_zip, tmp_path)
    assert report["bandit"] == [] and report["secrets"] == []
    assert report["metadata"]["errors"] == [] and report["metadata"]["top"] == "hsi_lime"
    assert [w for w in report["metadata"]["warnings"] if "supportsQt6" in w] != []  # kept on purpose, said
    assert report["files"]["FILE_EXECUTABLE"] == report["files"]["FILE_SUSPICIOUS"] == []
    assert report["files"]["FILE_HIDDEN"] == []
    assert report["files"]["FILE_BINARY"] == ["hsi_lime/i18n/hsi_lime_de.qm", "hsi_lime/i18n/hsi_lime_pl.qm"]
    assert (code, report["blocking"]) == (0, [])
    assert text.splitlines()[-1] == "check-plugin: nothing blocks the upload"


def bad_plugin(path):
    """A ZIP that breaks the rules: no LICENSE, a .pyc, a shell script with its execute bit, a subprocess call,
    an AWS key, and a changelog with a bare '%' (the repository's ConfigParser cannot read it)."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("bad/__init__.py", "import subprocess\nsubprocess.run(['ls'])\n")
        archive.writestr("bad/metadata.txt", "[general]\nname=bad\nchangelog=95 % sure\n")
        archive.writestr("bad/keys.py", "KEY = 'AKIAIOSFODNN7EXAMPLE'\n")
        archive.writestr("bad/cache.pyc", b"\0\1")
        script = zipfile.ZipInfo("bad/run.sh")
        script.external_attr = 0o755 << 16
        archive.writestr(script, "#!/bin/sh\n")
    return path


def test_the_checks_catch_what_the_repository_refuses(tmp_path):
    code, report, _ = check(bad_plugin(tmp_path / "bad.zip"), tmp_path)
    assert code == 1
    assert sorted(f["test"] for f in report["bandit"]) == ["B603", "B607"]
    assert [(f["file"], f["type"]) for f in report["secrets"]] == [("bad/keys.py", "AWS Access Key")]
    errors = report["metadata"]["errors"]
    assert "bad/cache.pyc: .pyc file" in errors and "bad/LICENSE is missing" in errors
    assert [e for e in errors if e.startswith("errors parsing metadata.txt")] != []
    assert report["files"]["FILE_SUSPICIOUS"] == report["files"]["FILE_EXECUTABLE"] == ["bad/run.sh"]
    assert "FILE_SUSPICIOUS bad/run.sh" in report["blocking"]

"""platforms.is_this_python decides from an interpreter's files, without starting it, whether it is QGIS's Python."""
from pathlib import Path

import platforms


def touch(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_a_posix_python_is_known_by_its_name_and_its_standard_library(tmp_path):
    prefix = tmp_path / "usr"
    touch(prefix / "lib" / "python3.11" / "os.py")
    python = touch(prefix / "bin" / "python3.11")
    (prefix / "bin" / "python3").symlink_to("python3.11")
    assert platforms.is_this_python(prefix / "bin" / "python3", version=(3, 11), prefix=str(prefix))
    assert not platforms.is_this_python(python, version=(3, 12), prefix=str(prefix))
    assert not platforms.is_this_python(python, version=(3, 11), prefix=str(tmp_path / "elsewhere"))


def test_a_windows_python_is_known_by_its_dll_and_lib(tmp_path):
    prefix = tmp_path / "apps" / "Python312"
    touch(prefix / "Lib" / "os.py")
    touch(prefix / "python312.dll")
    python = touch(prefix / "python.exe")
    assert platforms.is_this_python(python, version=(3, 12), prefix=str(prefix))
    assert not platforms.is_this_python(python, version=(3, 11), prefix=str(prefix))


def test_a_virtual_environment_is_its_own_prefix(tmp_path):
    venv = tmp_path / "venv"
    touch(venv / "pyvenv.cfg", "home = /usr/bin\ninclude-system-site-packages = true\nversion = 3.13.5\n")
    python = touch(venv / "bin" / "python")
    assert platforms.is_this_python(python, version=(3, 13), prefix=str(venv))
    assert not platforms.is_this_python(python, version=(3, 11), prefix=str(venv))


def test_a_missing_file_or_a_program_of_another_name_is_not_taken(tmp_path):
    touch(tmp_path / "lib" / "python3.11" / "os.py")
    other = touch(tmp_path / "bin" / "qgis")
    assert not platforms.is_this_python(other, version=(3, 11), prefix=str(tmp_path))
    assert not platforms.is_this_python(tmp_path / "bin" / "python3.11", version=(3, 11), prefix=str(tmp_path))

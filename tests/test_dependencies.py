"""The dependency machinery: folders, the interpreter, CUDA detection, pip runs, and what the plugin
costs at load time. No network and no real pip here (tests/test_install.py does the real thing)."""
import subprocess
import os
import sys
import textwrap
from pathlib import Path

import pytest

from helpers import NO_QGIS, REPO_ROOT, import_plugin_package

plugin_package = import_plugin_package()
from hsi_lime import dependencies, installer, platforms  # noqa: E402 (the package is registered by the line above)


# --- the dependency folder ----------------------------------------------------------------
def test_folder_is_the_environment_variable_when_set(tmp_path):
    folder = dependencies.dependencies_folder({"HSI_LIME_DEPENDENCIES": str(tmp_path / "deps")}, settings_dir="/x")
    assert folder == tmp_path / "deps"


def test_folder_defaults_to_the_active_profile_per_python_version(tmp_path):
    folder = dependencies.dependencies_folder({}, settings_dir=tmp_path / "profiles" / "default", version=(3, 12))
    assert folder == tmp_path / "profiles" / "default" / "python" / "hsi_lime_dependencies" / "python3.12"


def test_folder_inside_qgis_is_in_the_qgis_profile(qgis_app, monkeypatch):
    from qgis.core import QgsApplication

    monkeypatch.delenv("HSI_LIME_DEPENDENCIES", raising=False)
    folder = dependencies.dependencies_folder()
    assert folder.parent.parent == Path(QgsApplication.qgisSettingsDirPath()) / "python"
    assert folder.name == f"python{sys.version_info[0]}.{sys.version_info[1]}"


def test_a_folder_is_appended_never_prepended_and_counts_at_once(tmp_path, monkeypatch):
    (tmp_path / "hsi_lime_fake_dependency").mkdir()
    (tmp_path / "hsi_lime_fake_dependency" / "__init__.py").write_text("")
    monkeypatch.setitem(dependencies.REQUIRED, "hsi_lime_fake_dependency", "hsi-lime-fake-dependency")
    monkeypatch.setattr(sys, "path", list(sys.path))
    assert dependencies.missing_packages() == ["hsi-lime-fake-dependency"]
    first = sys.path[0]
    assert dependencies.add_folder(tmp_path)
    assert sys.path[-1] == str(tmp_path) and sys.path[0] == first
    assert dependencies.missing_packages() == []
    assert not dependencies.add_folder(tmp_path)  # once


# --- the interpreter ----------------------------------------------------------------------------
def find(existing, **layout):
    return platforms.find_python(exists=lambda p: str(p) in existing, verify=lambda p: True, **layout)


def test_linux_qgis_binary_uses_the_prefix_python_not_the_path_one():
    python = find(
        {"/usr/bin/python3.11", "/root/.pyenv/shims/python3"},
        platform="linux", executable="/usr/bin/qgis_process.bin", base_executable="/root/.pyenv/shims/python3",
        prefix="/usr", version=(3, 11),
    )
    assert python == Path("/usr/bin/python3.11")


def test_linux_plain_python_when_no_versioned_one():
    python = find({"/opt/qgis/bin/python3"}, platform="linux", executable="/opt/qgis/bin/qgis", base_executable="",
                  prefix="/opt/qgis", version=(3, 10))
    assert python == Path("/opt/qgis/bin/python3")


def test_windows_osgeo4w_python_in_apps():
    python = find(
        {r"C:\OSGeo4W\apps\Python312\python.exe"},
        platform="win32", executable=r"C:\OSGeo4W\bin\qgis-bin.exe", base_executable="",
        prefix=r"C:\OSGeo4W\apps\Python312", version=(3, 12),
    )
    assert str(python).replace("/", "\\").endswith(r"apps\Python312\python.exe")


def test_windows_standalone_installer_python3_in_bin():
    python = find(
        {r"C:\Program Files\QGIS 3.34.0\bin\python3.exe"},
        platform="win32", executable=r"C:\Program Files\QGIS 3.34.0\bin\qgis-bin.exe",
        base_executable="", prefix=r"C:\Program Files\QGIS 3.34.0\apps\Python312-missing", version=(3, 12),
    )
    assert str(python) == r"C:\Program Files\QGIS 3.34.0\bin\python3.exe"


def test_macos_qgis_app_bundle_python():
    app = "/Applications/QGIS.app/Contents"
    python = find(
        {f"{app}/MacOS/bin/python3"},
        platform="darwin", executable=f"{app}/MacOS/QGIS", base_executable="",
        prefix=f"{app}/Frameworks/Python.framework/Versions/3.9", version=(3, 9),
    )
    assert python == Path(f"{app}/MacOS/bin/python3")


def test_macos_framework_python_when_the_bundle_has_no_bin():
    framework = "/Applications/QGIS.app/Contents/Frameworks/Python.framework/Versions/3.9"
    python = find({f"{framework}/bin/python3.9"}, platform="darwin", executable="/Applications/QGIS.app/Contents/MacOS/QGIS",
                  base_executable="", prefix=framework, version=(3, 9))
    assert python == Path(f"{framework}/bin/python3.9")


def test_no_interpreter_is_a_clear_error():
    with pytest.raises(platforms.InstallError, match="Cannot find the Python interpreter of this QGIS"):
        find(set(), platform="linux", executable="/usr/bin/qgis", base_executable="", prefix="/nowhere", version=(3, 11))


def test_a_python_of_another_version_is_not_taken(tmp_path):
    assert platforms.is_this_python(Path(sys.executable))
    assert not platforms.is_this_python(Path(sys.executable), version=(2, 7))


# --- CUDA -----------------------------------------------------------------------------------------
class Completed:
    def __init__(self, stdout, returncode=0):
        self.stdout, self.returncode = stdout, returncode


def test_cuda_detected_by_nvidia_smi_names_the_gpu():
    present, reason = platforms.detect_cuda(
        platform="linux", which=lambda name: "/usr/bin/nvidia-smi",
        run=lambda *a, **k: Completed("NVIDIA H200, 565.57.01\n"),
    )
    assert present and "NVIDIA H200" in reason
    device, why = platforms.choose_device("auto", (present, reason))
    assert device == "cuda" and "auto-detect chose NVIDIA CUDA" in why and "H200" in why


def test_cuda_detected_by_the_driver_library():
    present, reason = platforms.detect_cuda(
        platform="linux", which=lambda name: None, exists=lambda p: p.name == "libcuda.so.1"
    )
    assert present and "libcuda.so.1" in reason


def test_cuda_on_windows_by_nvcuda():
    present, reason = platforms.detect_cuda(platform="win32", which=lambda name: None,
                                            exists=lambda p: p.name == "nvcuda.dll")
    assert present and "nvcuda.dll" in reason


def test_no_driver_means_cpu_and_says_so():
    cuda = platforms.detect_cuda(platform="linux", which=lambda name: None, exists=lambda p: False)
    assert cuda[0] is False
    device, why = platforms.choose_device("auto", cuda)
    assert device == "cpu" and "no NVIDIA driver found" in why
    assert platforms.detect_cuda(platform="darwin")[0] is False


def test_nvidia_smi_without_a_gpu_is_no_cuda():
    present, reason = platforms.detect_cuda(platform="linux", which=lambda name: "/usr/bin/nvidia-smi",
                                            run=lambda *a, **k: Completed("", 9))
    assert not present and "lists no GPU" in reason


def test_torch_source_per_platform():
    assert platforms.torch_source("cpu", "linux", lambda url: True)[0] == ["--extra-index-url", platforms.TORCH_CPU_INDEX]
    extra, why = platforms.torch_source("cpu", "linux", lambda url: False)
    assert extra == [] and "cannot be reached" in why
    assert platforms.torch_source("cuda", "linux", lambda url: True)[0] == []
    assert platforms.torch_source("cuda", "win32", lambda url: True)[0] == ["--extra-index-url", platforms.TORCH_CUDA_INDEX]
    assert platforms.torch_source("cpu", "win32", lambda url: True)[0] == []
    assert platforms.torch_source("cuda", "darwin", lambda url: True)[0] == []


def test_real_cuda_detection_agrees_with_torch():
    """On a machine with a driver (make gpu-check) the detection must say so; elsewhere it must not claim one."""
    torch = pytest.importorskip("torch")
    present, reason = platforms.detect_cuda()
    if torch.cuda.is_available():
        assert present, reason
    elif torch.version.cuda is None:
        pytest.skip(f"CPU build of torch: detection says {present} ({reason})")


# --- what is installed -------------------------------------------------------------------------------
def test_requirements_ask_only_for_what_qgis_lacks():
    qgis = {name: (name, "1.0") for name in ("rasterio", "geopandas", "scikit-image", "scipy", "pandas", "matplotlib")}
    assert installer.requirements(False, qgis) == ["torch", "spyndex", "captum"]
    assert installer.requirements(True, qgis) == ["torch", "spyndex", "captum", "onnxruntime"]
    assert installer.requirements(False, qgis, include_dask=True) == [
        "torch", "spyndex", "captum", "dask", "distributed"
    ]
    assert installer.requirements(True, qgis, include_skops=True) == [
        "torch", "spyndex", "captum", "onnxruntime", "skops"
    ]
    assert installer.requirements(False, {**qgis, "skops": ("skops", "0.11.0")}, include_skops=True) == [
        "torch", "spyndex", "captum"
    ]
    assert installer.requirements(False, {}) == [
        "torch", "spyndex", "captum", "rasterio", "geopandas", "scikit-image", "scipy", "pandas", "matplotlib"
    ]
    # a QGIS whose Python has torch (Debian's python3-torch) keeps it: it is not asked for again
    assert installer.requirements(False, {**qgis, "torch": ("torch", "2.6.0")}) == ["spyndex", "captum"]


def test_public_version_drops_debians_local_label():
    assert installer.public_version("3.10.1+dfsg1") == "3.10.1"
    assert installer.public_version("2.2.4") == "2.2.4"
    assert installer.public_version("1.0rc1.post2") == "1.0rc1.post2"
    assert installer.public_version("0.8.2-debian") is None


def test_constraints_pin_what_qgis_ships_by_its_public_version(tmp_path):
    path = tmp_path / "c.txt"
    provided = {"numpy": ("numpy", "2.2.4"), "matplotlib": ("matplotlib", "3.10.1+dfsg1"),
                "sympy": ("sympy", "1.13.3"), "torch": ("torch", "2.6.0+dfsg")}
    pins = installer.write_constraints(path, provided)
    assert pins == ["matplotlib==3.10.1", "numpy==2.2.4", "torch==2.6.0"]
    lines = path.read_text().splitlines()
    assert "onnxruntime==1.31.1" in lines and "matplotlib==3.10.1" in lines and "torch==2.6.0" in lines
    assert "torch==2.13.0" not in lines  # QGIS's torch replaces the shipped pin
    assert not [line for line in lines if "+" in line and not line.startswith("#")]  # no package index has +dfsg1


def test_plan_is_read_from_pips_report(tmp_path):
    report = tmp_path / "report.json"
    report.write_text('{"version": "1", "install": [{"metadata": {"name": "torch", "version": "2.13.0+cpu"}}, '
                      '{"metadata": {"name": "spyndex", "version": "0.12.0"}}]}')
    assert installer.read_plan(report) == [("torch", "2.13.0+cpu"), ("spyndex", "0.12.0")]
    assert installer.pip_command("py", tmp_path, tmp_path / "c.txt", installer.read_plan(report), ["-x"])[-5:] == [
        "--constraint", str(tmp_path / "c.txt"), "-x", "torch==2.13.0+cpu", "spyndex==0.12.0"
    ]
    assert "--no-deps" in installer.pip_command("py", tmp_path, tmp_path / "c.txt", [], [])


CUDA_PLAN = [("torch", "2.13.0"), ("nvidia-cublas", "13.1.0.3"), ("nvidia-cudnn-cu13", "9.20.0.48"),
             ("cuda-toolkit", "13.0.3"), ("triton", "3.7.1"), ("sympy", "1.14.0")]


def test_cpu_choice_refuses_a_plan_with_cuda_libraries():
    with pytest.raises(platforms.InstallError) as raised:
        installer.check_plan(CUDA_PLAN, "cpu")
    message = str(raised.value)
    assert message.startswith("PyTorch build 'CPU only': pip can get only torch's CUDA build here, which brings 4 "
                              "packages of NVIDIA's CUDA libraries")
    assert "nvidia-cublas 13.1.0.3, nvidia-cudnn-cu13 9.20.0.48, cuda-toolkit 13.0.3, triton 3.7.1" in message
    assert "sudo apt install python3-torch" in message and "'NVIDIA CUDA'" in message
    assert message.endswith("Nothing was installed.")
    installer.check_plan(CUDA_PLAN, "cuda")  # asked for: fine
    installer.check_plan([("torch", "2.13.0+cpu"), ("sympy", "1.14.0")], "cpu")


def test_refused_plan_installs_nothing_and_keeps_the_previous_folder(tmp_path):
    folder = old_folder(tmp_path)
    with pytest.raises(platforms.InstallError, match="Nothing was installed"):
        installer.install(folder, ["torch"], sys.executable, log=lambda line: None, provided={}, device="cpu",
                          plan=CUDA_PLAN, command=fake_pip())
    assert (folder / "old_marker.txt").read_text() == "previous installation"
    assert sorted(p.name for p in folder.parent.iterdir()) == ["python3.11"]


FAKE_PIP = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    target = Path(sys.argv[1])
    print("Collecting fakepkg", flush=True)
    for name, version in (("fakepkg", "1.0"), ("numpy", "9.9")):
        (target / name).mkdir(parents=True)
        (target / name / "__init__.py").write_text("")
        info = target / f"{name}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\n")
        (info / "RECORD").write_text(f"{name}/__init__.py,,\\n{info.name}/METADATA,,\\n{info.name}/RECORD,,\\n")
    print("Successfully installed fakepkg-1.0 numpy-9.9", flush=True)
    sys.exit(int(sys.argv[2]))
""")


def fake_pip(exit_code=0, sleep=None):
    if sleep:
        script = f"import os, time; print('Collecting x, pid', os.getpid(), flush=True); time.sleep({sleep})"
        return lambda staging, constraints: [sys.executable, "-c", script]
    return lambda staging, constraints: [sys.executable, "-c", FAKE_PIP, str(staging), str(exit_code)]


def old_folder(tmp_path):
    folder = tmp_path / "deps" / "python3.11"
    folder.mkdir(parents=True)
    (folder / "old_marker.txt").write_text("previous installation")
    return folder


def test_install_swaps_in_the_new_folder_and_drops_what_qgis_provides(tmp_path):
    folder = old_folder(tmp_path)
    lines, fractions = [], []
    result = installer.install(
        folder, ["fakepkg"], sys.executable, log=lines.append, progress=fractions.append,
        provided={"numpy": ("numpy", "1.24.2")}, plan=[("fakepkg", "1.0")], command=fake_pip(),
    )
    assert result["installed"] == [("fakepkg", "1.0")]
    assert result["removed"] == [("numpy", "9.9", "1.24.2")]
    assert (folder / "fakepkg" / "__init__.py").is_file() and not (folder / "numpy").exists()
    assert not (folder / "old_marker.txt").exists()
    assert sorted(p.name for p in folder.parent.iterdir()) == ["python3.11"]  # no staging, no old copy
    assert "Collecting fakepkg" in lines and fractions and fractions == sorted(fractions)


def test_a_planned_package_qgis_has_is_neither_downloaded_nor_installed(tmp_path):
    """pip plans sympy 1.13.1 (Debian's torch pins it) where QGIS has 1.13.3: QGIS's stays, pip never sees it."""
    python = tmp_path / "python"  # stands in for QGIS's Python: records the pip command line it is given
    python.write_text(f'#!/bin/sh\necho "$@" > {tmp_path / "arguments"}\n')
    python.chmod(0o755)
    result = installer.install(tmp_path / "deps", ["spyndex"], python, log=lambda line: None,
                               provided={"sympy": ("sympy", "1.13.3")}, plan=[("spyndex", "0.12.0"), ("sympy", "1.13.1")])
    arguments = (tmp_path / "arguments").read_text().split()
    assert arguments[:5] == ["-m", "pip", "install", "--target", arguments[4]] and "--no-deps" in arguments
    assert arguments[-1] == "spyndex==0.12.0" and not [a for a in arguments if a.startswith("sympy")]
    assert result["removed"] == [("sympy", "1.13.1", "1.13.3")]  # reported as QGIS's, kept


def test_failed_pip_leaves_the_previous_folder(tmp_path):
    folder = old_folder(tmp_path)
    with pytest.raises(platforms.InstallError, match="pip failed .exit code 3.*left as it was"):
        installer.install(folder, ["fakepkg"], sys.executable, log=lambda line: None, provided={},
                          plan=[("fakepkg", "1.0")], command=fake_pip(3))
    assert (folder / "old_marker.txt").read_text() == "previous installation"
    assert sorted(p.name for p in folder.parent.iterdir()) == ["python3.11"]


def test_cancel_kills_pip_and_leaves_the_previous_folder(tmp_path):
    folder = old_folder(tmp_path)
    lines = []
    with pytest.raises(installer.InstallCancelled):
        installer.install(folder, ["x"], sys.executable, log=lines.append, provided={}, plan=[("x", "1")],
                          cancelled=lambda: any(line.startswith("Collecting") for line in lines),
                          command=fake_pip(sleep=60))
    pid = int(next(line for line in lines if line.startswith("Collecting x, pid")).split()[-1])
    with pytest.raises(ProcessLookupError):  # pip was killed (and reaped), not left to sleep its 60 s
        os.kill(pid, 0)
    assert (folder / "old_marker.txt").read_text() == "previous installation"
    assert sorted(p.name for p in folder.parent.iterdir()) == ["python3.11"]


def test_manual_command_names_folder_constraints_and_packages(tmp_path):
    command = installer.manual_command(tmp_path / "deps", ["torch", "spyndex"], python="/usr/bin/python3.11")
    assert command == (
        f'"/usr/bin/python3.11" -m pip install --target "{tmp_path / "deps"}" --constraint '
        f'"{dependencies.CONSTRAINTS}" torch spyndex'
    )
    assert dependencies.CONSTRAINTS.is_file()


# --- in QGIS: the missing-dependency message, and the cost of loading -------------------------------
def test_missing_package_disables_the_algorithm_with_the_way_to_install_it(hsilime_provider, monkeypatch, scene, tmp_path):
    from qgis.core import QgsApplication
    from helpers.qgis import run_algorithm

    monkeypatch.setitem(dependencies.REQUIRED, "hsi_lime_no_such_module", "hsi-lime-no-such-package")
    algorithm = QgsApplication.processingRegistry().algorithmById("hsilime:explain_spatial")
    ok, message = algorithm.canExecute()
    assert not ok
    assert "cannot import: hsi-lime-no-such-package" in message
    assert "Install or update Python dependencies" in message
    assert "-m pip install --target" in message and "hsi-lime-no-such-package" in message.split("pip install")[1]
    installer_algorithm = QgsApplication.processingRegistry().algorithmById("hsilime:install_dependencies")
    assert installer_algorithm.canExecute() == (True, "")
    results, feedback = run_algorithm("hsilime:explain_spatial", {
        "INPUT": str(scene.raster), "MODEL": str(scene.model), "SEGMENTATION": 2, "OUTPUT": str(tmp_path / "o.tif"),
    })
    assert results is None
    assert any("cannot import: hsi-lime-no-such-package" in error for error in feedback.errors)
    assert not any("Traceback" in error for error in feedback.errors)
    assert list(tmp_path.iterdir()) == []


def test_every_run_logs_torch_and_the_device(hsilime_provider, scene, tmp_path):
    from helpers.qgis import run_algorithm

    results, feedback = run_algorithm("hsilime:explain_spatial", {
        "INPUT": str(scene.raster), "MODEL": str(scene.model), "SEGMENTATION": 2, "PATCH_SIZE": 8, "N_SAMPLES": 20,
        "OUTPUT": str(tmp_path / "o.tif"),
    })
    assert results is not None, feedback.errors
    import torch

    line = next(info for info in feedback.infos if info.startswith("torch "))
    assert torch.__version__ in line and ("CPU" in line or "CUDA" in line)


LOAD = textwrap.dedent("""
    import importlib.util, sys
    from qgis.core import QgsApplication
    app = QgsApplication([], False)
    app.initQgis()
    spec = importlib.util.spec_from_file_location("hsi_lime", sys.argv[1] + "/__init__.py",
                                                  submodule_search_locations=[sys.argv[1]])
    module = importlib.util.module_from_spec(spec)
    sys.modules["hsi_lime"] = module
    spec.loader.exec_module(module)
    plugin = module.classFactory(None)
    plugin.initProcessing()
    registry = QgsApplication.processingRegistry()
    ids = sorted(a.id() for a in registry.providerById("hsilime").algorithms())
    for algorithm in registry.providerById("hsilime").algorithms():
        algorithm.canExecute(); algorithm.shortHelpString()
    heavy = sorted(m for m in ("torch", "geopandas", "skimage", "spyndex", "rasterio", "onnxruntime", "pandas", "captum")
                   if m in sys.modules)
    print("ALGORITHMS", *ids)
    print("HEAVY", *heavy)
    print("PLUGIN_DIR_ON_PATH", sys.argv[1] in sys.path)
    plugin.unload()
""")


def test_loading_the_plugin_and_registering_the_provider_imports_nothing_heavy(tmp_path):
    """With torch importable (this interpreter), loading must still not import it."""
    pytest.importorskip("qgis.core", reason=NO_QGIS)
    completed = subprocess.run(
        [sys.executable, "-c", LOAD, str(REPO_ROOT)], capture_output=True, text=True, timeout=120,
        env={"QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path), "HOME": str(tmp_path),
             "PATH": "/usr/bin:/bin"},
    )
    assert completed.returncode == 0, completed.stderr
    lines = dict(line.split(" ", 1) if " " in line else (line, "") for line in completed.stdout.splitlines())
    assert lines["ALGORITHMS"].split() == [
        "hsilime:attribute_pixels", "hsilime:explain_fields", "hsilime:explain_spatial", "hsilime:explain_spectral",
        "hsilime:import_product", "hsilime:install_dependencies",
    ]
    assert lines["HEAVY"] == "", f"imported at load: {lines['HEAVY']}"
    assert lines["PLUGIN_DIR_ON_PATH"] == "False"


def test_engine_package_import_is_lazy():
    code = "import sys, hsi_lime_plugin; from hsi_lime_plugin.options import DEFAULT_KERNEL_WIDTH; " \
           "print(sorted(m for m in ('torch', 'rasterio', 'numpy') if m in sys.modules))"
    completed = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert completed.stdout.strip() == "[]", completed.stderr
    code = "import hsi_lime_plugin, hsi_lime_plugin.perturbation.pipeline as e; from hsi_lime_plugin import explain, HsiLimeError; " \
           "print(callable(explain), explain is hsi_lime_plugin.explain, HsiLimeError.__module__)"
    completed = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert completed.stdout.split() == ["True", "True", "hsi_lime_plugin.errors"], completed.stderr


def test_engine_default_is_the_dialog_default(hsilime_provider):
    from qgis.core import QgsApplication

    from hsi_lime_plugin.options import DEFAULT_KERNEL_WIDTH

    algorithm = QgsApplication.processingRegistry().algorithmById("hsilime:explain_spatial")
    assert algorithm.parameterDefinition("KERNEL_WIDTH").defaultValue() == DEFAULT_KERNEL_WIDTH

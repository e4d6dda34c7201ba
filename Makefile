# hsi-lime: `make demo` and `make test` set up a fresh Debian 12 or 13 machine (as root) and run.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
PYTHON    := $(VENV)/bin/python
# gpu-check runs where there may be no .venv (a GPU machine without QGIS): .venv's Python if present
GPU_PYTHON = $(if $(wildcard $(VENV)/bin/python),$(VENV)/bin/python,python3)
BUILD     := build
DEMO      := $(BUILD)/demo
ZIP        = dist/hsi_lime-$(shell sed -n 's/^version=//p' metadata.txt).zip
# Debian roots of other releases (make test-debian13): built once, cached outside the checkout
ROOTS     ?= /var/cache/hsi-lime
export QT_QPA_PLATFORM ?= offscreen

.PHONY: help setup demo test test-debian13 test-debian13-qgis344 test-index check-installer check-installer-debian13 \
	install bench package check-plugin check-qt6 translations update-translations gpu-check screenshots-explorer clean \
	docs docs-setup docs-check screenshots

help:
	@echo "make demo     set up, build the demo scene and model, explain them with qgis_process"
	@echo "make test     set up and run the whole test suite"
	@echo "make test-debian13  make test in a Debian 13 root (QGIS 3.40, Python 3.13, numpy 2), cached in $(ROOTS)"
	@echo "make test-debian13-qgis344  the same with QGIS 3.44 from trixie-backports"
	@echo "make test-index  the engine's tests in a plain venv of the newest package-index releases (no QGIS)"
	@echo "make check-installer  the plugin ZIP, install_dependencies into a fresh folder, the demo with only it"
	@echo "make check-installer-debian13  the same in the Debian 13 root (QGIS 3.40, Python 3.13)"
	@echo "make install  link this folder into your QGIS profile as plugin hsi_lime and enable it"
	@echo "make bench    speed and memory benchmarks against meteors and captum"
	@echo "make package  build the plugin zip (dist/hsi_lime-<version>.zip) for Plugins > Install from ZIP"
	@echo "make check-plugin  the QGIS plugin repository's upload checks on the built zip (metadata, Bandit, detect-secrets, files)"
	@echo "make check-qt6  the QGIS migration checker for QGIS 4 / Qt6 on the built zip (PyQt6; and Debian 13's QGIS 3.40 when its root is ready)"
	@echo "make gpu-check  the CUDA tests and a CUDA speed figure (build/gpu-check.json); needs no setup"
	@echo "make update-translations  refresh i18n/*.ts from the code"
	@echo "make screenshots-explorer  the explorer dock on the demo's outputs, in QGIS under Xvfb (build/screenshots/explorer)"
	@echo "make docs     the documentation site in build/site (MkDocs; the algorithm reference generated from the provider)"
	@echo "make screenshots  the documentation's pictures from the QGIS desktop under Xvfb and the demo (build/screenshots)"
	@echo "make docs-check  the built site opened in headless Chromium: every page renders, no image is missing"

setup:
	@bash scripts/setup.sh

demo: setup
	@bash scripts/run_demo.sh

# --confcutdir=tests: pytest must not collect the repository root (the plugin's package, with its __init__.py)
# as a package: that import fails where the checkout's folder name is no Python identifier (hsi-lime, wt-x).
PYTEST    := -m pytest --confcutdir=tests

# import-linter through the venv's Python, not its script: a script's first line names the checkout the venv was
# made in, and a Debian root's venv (make test-debian13) serves checkouts at other paths.
LINT_IMPORTS := -c 'from importlinter.cli import lint_imports_command; lint_imports_command()'

# QGIS_ONLY=1: only the tests that use QGIS (the QGIS 3.44 leg: its engine and packages are the Debian 13 leg's).
test: setup translations
	$(PYTHON) $(LINT_IMPORTS)
	HSI_LIME_QGIS_ONLY=$(QGIS_ONLY) $(PYTHON) $(PYTEST)

test-debian13:
	bash scripts/debian_root.sh trixie $(ROOTS)/debian13-root make test

test-debian13-qgis344:
	BACKPORTS=1 bash scripts/debian_root.sh trixie $(ROOTS)/debian13-root make test QGIS_ONLY=1

test-index:
	bash scripts/test_index.sh

# The installer end to end (scripts/check_installer.sh); CHECK_DEVICE: 0 auto, 1 CPU only, 2 NVIDIA CUDA.
CHECK_DEVICE ?= 1
check-installer: setup translations
	$(PYTHON) scripts/make_demo.py $(DEMO) >/dev/null
	bash scripts/check_installer.sh $(CHECK_DEVICE)

# The same in the Debian 13 root, on a throwaway layer with Debian's CPU build of torch (python3-torch) in
# QGIS's Python: the package index has only torch's CUDA build for Python 3.13, which 'CPU only' refuses.
check-installer-debian13:
	OVERLAY=1 bash scripts/debian_root.sh trixie $(ROOTS)/debian13-root bash -c \
	  'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3-torch >/dev/null && make check-installer'

install: setup translations
	@bash scripts/install_plugin.sh

bench: setup
	@bash scripts/setup_peers.sh
	$(PYTHON) benchmarks/startup.py
	$(PYTHON) benchmarks/explorer.py
	$(PYTHON) benchmarks/baselines.py
	$(PYTHON) benchmarks/run.py

package: setup translations
	@bash scripts/package.sh

# The tools live in build/check-venv (scripts/check_tools.txt), never in the plugin's dependencies.
check-plugin: package
	/usr/bin/python3 scripts/check_plugin.py $(ZIP) --json $(BUILD)/check-plugin.json

# The checker comes from Debian 13's source package of QGIS 3.40.6 (scripts/fetch_qgis_checker.sh); PyQt6 from
# the package index into build/qt6-venv; then the same check inside the Debian 13 root's copy, when it is ready.
check-qt6: package
	@bash scripts/fetch_qgis_checker.sh
	/usr/bin/python3 scripts/check_qt6.py $(ZIP)
	@bash scripts/check_qt6_debian13.sh $(ZIP)

# No dependency on setup: the GPU machine has neither QGIS nor a .venv.
gpu-check:
	$(GPU_PYTHON) scripts/gpu_check.py

# Compile i18n/*.ts into the .qm files the plugin loads for the user's locale.
translations:
	@for ts in i18n/*.ts; do lrelease -silent "$$ts"; done

# Refresh every i18n/*.ts from the tr() calls and QT_TRANSLATE_NOOP marks of the QGIS side (new strings
# appear untranslated; translate them with linguist). A new language: touch i18n/hsi_lime_<lang>.ts first.
TS_FILES = $(wildcard i18n/*.ts)
update-translations:
	pylupdate5 -noobsolete processing_algorithms/*.py gui/*.py plugin.py __init__.py -ts $(TS_FILES)

# The explorer dock and the main window on the demo's spatial, spectral and map-scale outputs, and explaining a
# field live: the demo's runs made inside QGIS (Xvfb), then clicks; PNG files in build/screenshots/explorer/.
screenshots-explorer: setup translations
	$(PYTHON) scripts/explorer_desktop.py screenshots --output $(BUILD)/screenshots/explorer

# The documentation (docs/, mkdocs.yml): its tools live in build/docs-venv (scripts/docs_tools.txt), never in the
# plugin's dependencies; its pictures and its algorithm reference are generated, never committed. Its examples
# and links are checked by make test (tests/test_docs.py).
docs-setup:
	@bash scripts/setup.sh --docs

docs: docs-setup translations
	@bash scripts/docs.sh

screenshots: docs-setup translations
	$(PYTHON) scripts/screenshots.py

docs-check: docs
	$(PYTHON) scripts/docs_check.py build/site

clean:
	rm -rf $(BUILD) .pytest_cache

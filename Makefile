# hsi-lime: `make demo` and `make test` set up a fresh Debian 12 machine (as root) and run.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
PYTHON    := $(VENV)/bin/python
# gpu-check runs where there may be no .venv (a GPU machine without QGIS): .venv's Python if present
GPU_PYTHON = $(if $(wildcard $(VENV)/bin/python),$(VENV)/bin/python,python3)
BUILD     := build
DEMO      := $(BUILD)/demo
ZIP        = dist/hsi_lime-$(shell sed -n 's/^version=//p' metadata.txt).zip
export QT_QPA_PLATFORM ?= offscreen

.PHONY: help setup demo test install bench package check-plugin check-qt6 translations update-translations gpu-check clean

help:
	@echo "make demo     set up, build the demo scene and model, explain them with qgis_process"
	@echo "make test     set up and run the whole test suite"
	@echo "make install  link this folder into your QGIS profile as plugin hsi_lime and enable it"
	@echo "make bench    speed and memory benchmarks against meteors and captum"
	@echo "make package  build the plugin zip (dist/hsi_lime-<version>.zip) for Plugins > Install from ZIP"
	@echo "make check-plugin  the QGIS plugin repository's upload checks on the built zip (metadata, Bandit, detect-secrets, files)"
	@echo "make check-qt6  the QGIS migration checker for QGIS 4 / Qt6 on the built zip (PyQt6; and Debian 13's QGIS 3.40 when its root is ready)"
	@echo "make gpu-check  the CUDA tests and a CUDA speed figure (build/gpu-check.json); needs no setup"
	@echo "make update-translations  refresh i18n/*.ts from the code"

setup:
	@bash scripts/setup.sh

demo: setup
	@bash scripts/run_demo.sh

test: setup translations
	$(VENV)/bin/lint-imports
	$(PYTHON) -m pytest

install: setup translations
	@bash scripts/install_plugin.sh

bench: setup
	@bash scripts/setup_peers.sh
	$(PYTHON) benchmarks/startup.py
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
	pylupdate5 -noobsolete processing_algorithms/*.py plugin.py __init__.py -ts $(TS_FILES)

clean:
	rm -rf $(BUILD) .pytest_cache

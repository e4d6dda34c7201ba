"""The plugin speaks the user's language: i18n/hsi_lime_<lang>.qm is loaded for the QGIS locale."""
import pytest
from qgis.PyQt.QtCore import QCoreApplication, QSettings

from helpers import REPO_ROOT, import_plugin_package


@pytest.fixture()
def german_locale():
    settings = QSettings()
    previous = settings.value("locale/userLocale")
    settings.setValue("locale/userLocale", "de_DE")
    yield
    settings.setValue("locale/userLocale", previous or "en_US")


def test_german_translation_is_installed_and_removed(german_locale):
    if not (REPO_ROOT / "i18n" / "hsi_lime_de.qm").is_file():
        pytest.fail("i18n/hsi_lime_de.qm is missing: `make translations` compiles it (make test does)")
    plugin = import_plugin_package().classFactory(None)
    try:
        assert QCoreApplication.translate("HsiLimeProvider", "Hyperspectral explanations") == "Hyperspektrale Erklärungen"
        assert QCoreApplication.translate("HsiLimeAlgorithm", "Number of samples") == "Anzahl der Stichproben"
        assert QCoreApplication.translate("InstallDependencies", "Install or update Python dependencies") == (
            "Python-Abhängigkeiten installieren oder aktualisieren"
        )
        assert QCoreApplication.translate("HsiLimePlugin", "Install dependencies...") == "Abhängigkeiten installieren..."
    finally:
        plugin.unload()
    assert QCoreApplication.translate("HsiLimeProvider", "Hyperspectral explanations") == "Hyperspectral explanations"


def test_every_string_of_the_german_translation_is_finished():
    text = (REPO_ROOT / "i18n" / "hsi_lime_de.ts").read_text(encoding="utf-8")
    assert text.count("<message>") >= 60
    assert 'type="unfinished"' not in text

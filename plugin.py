"""The plugin object QGIS creates: it registers the Processing provider, nothing more."""
from __future__ import annotations

from pathlib import Path

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QSettings, QTranslator

from .processing_algorithms.provider import HsiLimeProvider

I18N_DIR = Path(__file__).resolve().parent / "i18n"


class HsiLimePlugin:
    """Registers the "Hyperspectral explanations" provider (with or without a GUI)."""

    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.translator = None
        self._load_translation()

    def _load_translation(self) -> None:
        """Install the translator for the user's locale (``i18n/hsi_lime_<lang>.qm``) if one exists."""
        locale = QSettings().value("locale/userLocale", QLocale().name()) or "en"
        path = I18N_DIR / f"hsi_lime_{str(locale)[:2]}.qm"
        if path.is_file():
            self.translator = QTranslator()
            if self.translator.load(str(path)):
                QCoreApplication.installTranslator(self.translator)

    def initProcessing(self):  # noqa: N802 (QGIS API name)
        """Register the provider once (QGIS calls this headless, initGui calls it with a GUI)."""
        if self.provider is None:
            self.provider = HsiLimeProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802 (QGIS API name)
        self.initProcessing()

    def unload(self):
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)
            self.translator = None

"""The plugin object QGIS creates: it registers the Processing provider and, with a GUI, a menu entry
that opens the dependency installer."""
from __future__ import annotations

from pathlib import Path

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QSettings, QTranslator

from .processing_algorithms.provider import HsiLimeProvider

I18N_DIR = Path(__file__).resolve().parent / "i18n"
#: The Plugins menu entry (not translated: other plugins find their menus by name).
MENU = "hsi-lime"


class HsiLimePlugin:
    """Registers the "Hyperspectral explanations" provider (with or without a GUI)."""

    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.translator = None
        self.install_action = None
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
        if self.iface is not None and self.install_action is None:
            try:
                from qgis.PyQt.QtGui import QAction  # Qt6
            except ImportError:
                from qgis.PyQt.QtWidgets import QAction  # Qt5

            self.install_action = QAction(
                QCoreApplication.translate("HsiLimePlugin", "Install dependencies..."), self.iface.mainWindow()
            )
            self.install_action.triggered.connect(self.open_installer)
            self.iface.addPluginToMenu(MENU, self.install_action)

    def open_installer(self):
        """Open the dialog of hsilime:install_dependencies."""
        import processing

        processing.execAlgorithmDialog("hsilime:install_dependencies", {})

    def unload(self):
        if self.install_action is not None:
            remove = getattr(self.iface, "removePluginMenu", None)  # test doubles of iface may lack it
            if remove is not None:
                remove(MENU, self.install_action)
            self.install_action.deleteLater()
            self.install_action = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)
            self.translator = None

"""The plugin object QGIS creates: it registers the Processing provider and, with a GUI, the plugin's menu
(the dependency installer) and toolbar, with the explorer's tool ``HsiLimeExplorerTool``.

The explorer (``gui/``: the dock, its plot, the map tool) is imported when the tool is first triggered,
never at QGIS start: starting costs a ``QAction`` and a toolbar.
"""
from __future__ import annotations

from pathlib import Path

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QSettings, QTranslator
from qgis.PyQt.QtGui import QIcon

from .processing_algorithms.provider import HsiLimeProvider

I18N_DIR = Path(__file__).resolve().parent / "i18n"
EXPLORER_ICON = Path(__file__).resolve().parent / "gui" / "explorer.svg"
#: The Plugins menu entry (not translated: other plugins find their menus by name).
MENU = "hsi-lime"


class HsiLimePlugin:
    """Registers the "Hyperspectral explanations" provider (with or without a GUI)."""

    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.translator = None
        self.install_action = None
        self.explorer_action = None
        self.toolbar = None
        self.explorer = None
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
        if self.iface is None or self.install_action is not None:
            return
        window = self.iface.mainWindow()
        self.install_action = _action(QCoreApplication.translate("HsiLimePlugin", "Install dependencies..."), window)
        self.install_action.triggered.connect(self.open_installer)
        self.iface.addPluginToMenu(MENU, self.install_action)
        self.explorer_action = _action(QCoreApplication.translate("HsiLimePlugin", "Explore explanations"), window)
        self.explorer_action.setIcon(QIcon(str(EXPLORER_ICON)))
        self.explorer_action.setObjectName("HsiLimeExplorerTool")
        self.explorer_action.setCheckable(True)
        self.explorer_action.setToolTip(QCoreApplication.translate(
            "HsiLimePlugin", "Explore explanations: click a field or a pixel of an hsi-lime output, or a raster to "
                             "explain it here"))
        self.explorer_action.triggered.connect(self.open_explorer)
        self.iface.addPluginToMenu(MENU, self.explorer_action)
        self.toolbar = self.iface.addToolBar(MENU)
        self.toolbar.setObjectName("HsiLimeToolbar")
        self.toolbar.addAction(self.explorer_action)

    def open_explorer(self):
        """Open the explorer (created, and its modules imported, the first time) and make it the map tool."""
        if self.explorer is None:
            from .gui.explorer import Explorer

            self.explorer = Explorer(self.iface, self.explorer_action)
        self.explorer.activate()

    def open_installer(self):
        """Open the dialog of hsilime:install_dependencies."""
        import processing

        processing.execAlgorithmDialog("hsilime:install_dependencies", {})

    def unload(self):
        if self.explorer is not None:
            self.explorer.unload()
            self.explorer = None
        remove = getattr(self.iface, "removePluginMenu", None)  # test doubles of iface may lack it
        for action in (self.install_action, self.explorer_action):
            if action is not None:
                if remove is not None:
                    remove(MENU, action)
                action.deleteLater()
        self.install_action = self.explorer_action = None
        if self.toolbar is not None:
            self.iface.mainWindow().removeToolBar(self.toolbar)
            self.toolbar.deleteLater()
            self.toolbar = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)
            self.translator = None


def _action(text: str, parent):
    """A QAction (QtGui in Qt6, QtWidgets in Qt5)."""
    try:
        from qgis.PyQt.QtGui import QAction  # Qt6
    except ImportError:
        from qgis.PyQt.QtWidgets import QAction  # Qt5

    return QAction(text, parent)

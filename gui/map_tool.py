"""The explorer's map tool: a left click hands the map point (canvas CRS) to the explorer."""
from __future__ import annotations

from qgis.gui import QgsMapTool
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QCursor


class ExplorerMapTool(QgsMapTool):
    """Calls ``clicked(point)`` on each left click; its action is checked while the tool is active."""

    def __init__(self, canvas, action, clicked):
        super().__init__(canvas)
        self.clicked = clicked
        self.setAction(action)
        self.setCursor(QCursor(Qt.CursorShape.CrossCursor))

    def canvasReleaseEvent(self, event):  # noqa: N802 (QGIS API name)
        if event.button() == Qt.MouseButton.LeftButton and self.clicked is not None:
            self.clicked(event.mapPoint())

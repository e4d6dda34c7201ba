"""A product's XML metadata, parsed by GDAL's own XML parser (``gdal.ParseXMLString``).

GDAL parses the XML (no entities, no network): Python's XML modules are what the QGIS plugin
repository's security scan refuses, and GDAL is there wherever its multidimensional API is. This
module only walks the tree GDAL returns (``[type, name, children...]``) with slash-separated paths.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ...errors import HsiLimeError
from .hierarchy import gdal_reason, gdal_module, quiet

ELEMENT, TEXT, ATTRIBUTE = 0, 1, 2


@dataclass
class Node:
    """One element: its tag, its text, its attributes and its child elements."""

    tag: str
    text: str = ""
    attributes: dict = field(default_factory=dict)
    children: list = field(default_factory=list)

    def findall(self, path: str) -> list["Node"]:
        """The elements at ``path`` (``"specific/bandCharacterisation/bandID"``) below this one."""
        found = [self]
        for tag in path.split("/"):
            found = [child for node in found for child in node.children if child.tag == tag]
        return found

    def find(self, path: str) -> "Node | None":
        found = self.findall(path)
        return found[0] if found else None

    def text_at(self, path: str, default: str = "") -> str:
        node = self.find(path)
        return default if node is None else node.text


def _node(parsed: list) -> Node:
    node = Node(parsed[1])
    for child in parsed[2:]:
        if child[0] == ELEMENT:
            node.children.append(_node(child))
        elif child[0] == TEXT:
            node.text += child[1]
        elif child[0] == ATTRIBUTE and len(child) > 2:
            node.attributes[child[1]] = child[2][1]
    node.text = node.text.strip()
    return node


def parse_xml(text: str, path, what: str, product: str) -> Node:
    """The root element of the XML ``text`` (read from ``path``), or an error naming the file."""
    gdal = gdal_module(path, what, product)
    error = None
    with quiet(gdal):
        try:
            parsed = gdal.ParseXMLString(text)
        except RuntimeError as raised:
            parsed, error = None, raised
        reason = gdal_reason(gdal, error)
    # a document with a declaration is a nameless node holding <?xml ...?> and the root element
    tops = (parsed[2:] if parsed[1] == "" else [parsed]) if parsed else []
    roots = [top for top in tops if top[0] == ELEMENT and not top[1].startswith(("?", "!"))]
    if not roots:
        raise HsiLimeError(
            f"{what}: {path} is not readable XML ({reason}); the metadata of {product} is damaged or incomplete: "
            "download the product again."
        )
    return _node(roots[0])

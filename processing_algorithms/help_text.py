"""Help for each algorithm: formatted for the dialog, plain for ``qgis_process help``, and its reference page.

The dialog and ``qgis_process help`` show the short help written beside each parameter; the algorithm's
page of the documentation site (generated from the same definitions by ``scripts/docs_reference.py``) is
one click away: the dialog's Help button and the link under its help open :meth:`HelpText.helpUrl`.
"""
from __future__ import annotations

import configparser
import functools
import html
from pathlib import Path

from qgis.core import QgsApplication

#: The translation context of the strings below: pylupdate5 records the class a tr() call is written in.
CONTEXT = "HelpText"
#: metadata.txt, whose ``homepage`` is the documentation site (the one place its address is written).
METADATA = Path(__file__).resolve().parent.parent / "metadata.txt"


@functools.lru_cache(maxsize=1)
def site_url() -> str:
    """The documentation site, as metadata.txt's ``homepage`` names it, ending with ``/``."""
    metadata = configparser.ConfigParser(interpolation=None)
    metadata.read(METADATA, encoding="utf-8")
    return metadata["general"]["homepage"].rstrip("/") + "/"


def in_qgis_process() -> bool:
    """Whether this process is ``qgis_process`` (which prints the help as it is, with no HTML rendering)."""
    return QgsApplication.platform() == "qgis_process"


class HelpText:
    """Mixed into :class:`.base.HsiLimeAlgorithm` (a QgsProcessingAlgorithm)."""

    def summary_text(self) -> str:
        """The summary in the user's language."""
        return self.tr(self.summary)

    def shortHelpString(self):  # noqa: N802
        """The help: HTML for the dialog (one paragraph per line), plain text for ``qgis_process help``.

        The dialog shows the whole summary and one line per parameter (its label, its name as
        the log and ``qgis_process`` spell it, and its help; advanced ones last). ``qgis_process
        help`` prints :meth:`shortDescription` (the summary's first sentence) and this text as
        they are, then lists every parameter with its help by itself: there, this text is the
        rest of the summary and the address of the reference page, without tags.
        """
        if in_qgis_process():
            rest = self.summary_text().partition(". ")[2]
            return "\n".join(line for line in (rest, self.tr("More: {}", CONTEXT).format(self.helpUrl())) if line)
        return self.html_help()

    def html_help(self) -> str:
        """The dialog's help: summary, then a line per parameter (the dialog makes each line a paragraph)."""
        lines = [html.escape(self.summary_text(), quote=False)]
        for advanced in (False, True):
            items = [item for item in self._parameter_help if item[3] == advanced]
            if advanced and items:
                lines.append("<b>{}</b>".format(html.escape(self.tr("Advanced parameters", CONTEXT), quote=False)))
            lines += [
                "<b>{}</b> <i>({})</i>: {}".format(
                    html.escape(description, quote=False), name, html.escape(text, quote=False)
                )
                for name, description, text, _ in items
            ]
        lines.append('<a href="{}">{}</a>'.format(
            self.helpUrl(), html.escape(self.tr("Reference page: every parameter in full, with examples", CONTEXT),
                                        quote=False)))
        return "\n".join(lines)

    def shortDescription(self):  # noqa: N802
        """The summary's first sentence (the toolbox tooltip; the first line of ``qgis_process help``)."""
        first, separator, _ = self.summary_text().partition(". ")
        return first + "." if separator else first

    def helpUrl(self):  # noqa: N802
        """This algorithm's page of the documentation site's algorithm reference."""
        return f"{site_url()}reference/{self.name()}/"

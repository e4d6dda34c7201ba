"""Help for each algorithm: formatted for the dialog, plain for ``qgis_process help``, and a link to its README section."""
from __future__ import annotations

import html
import unicodedata

from qgis.core import QgsApplication

#: The translation context of the strings below: pylupdate5 records the class a tr() call is written in.
CONTEXT = "HelpText"
#: The README the help links point at (one section per algorithm, headed ``hsilime:<name> — <title>``).
README_URL = "https://github.com/hsi-lime/hsi-lime"


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces as hyphens.

    ``hsilime:explain_spatial — Explain spatial importance`` ->
    ``hsilimeexplain_spatial--explain-spatial-importance`` (the dash goes, both spaces stay).
    """
    text = heading.replace("`", "").strip().lower()
    kept = "".join(
        character for character in text
        if character in " -_" or unicodedata.category(character)[0] in "LN"
    )
    return kept.replace(" ", "-")


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
        rest of the summary and the link to the README, without tags.
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
        return "\n".join(lines)

    def shortDescription(self):  # noqa: N802
        """The summary's first sentence (the toolbox tooltip; the first line of ``qgis_process help``)."""
        first, separator, _ = self.summary_text().partition(". ")
        return first + "." if separator else first

    def helpUrl(self):  # noqa: N802
        """The README section of this algorithm (the anchor GitHub gives its heading)."""
        return f"{README_URL}#{github_anchor(f'hsilime:{self.name()} — {self.title}')}"

"""The one exception type for problems a user can fix.

Every error the engine raises on bad input is an :class:`HsiLimeError` whose message
names the input, says what is wrong and how to fix it. The QGIS side turns it into a
``QgsProcessingException`` unchanged; anything else escaping the engine is a bug.
"""


class HsiLimeError(ValueError):
    """Bad input that the user can fix; the message says which input, what and how."""


class Cancelled(Exception):
    """The user cancelled the run (``cancelled()`` returned True); nothing was written."""

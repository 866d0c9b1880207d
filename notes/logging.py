"""Log filters that keep what a clinician typed out of the application log."""

import logging


class DocumentTextFilter(logging.Filter):
    """Replace a WeasyPrint record's message with its kind, without the document's text.

    WeasyPrint quotes the document in some warnings (a missing glyph names the character,
    a CSS error quotes the rule), and the document holds text a clinician typed.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            template = str(record.msg)
            kind = template.split("%", 1)[0].split(":", 1)[0].strip() or "warning"
            record.msg = f"WeasyPrint {kind} (details withheld: they may quote note text)"
            record.args = ()
        return True

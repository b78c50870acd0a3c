"""The one error every value reader raises."""

from __future__ import annotations


class ValueParseError(ValueError):
    """A cell value that cannot be read; ``str(error)`` is English, ``message_vi`` Vietnamese."""

    def __init__(self, text: object, message: str, message_vi: str) -> None:
        super().__init__(message)
        self.text = text if isinstance(text, str) else str(text)
        self.message_vi = message_vi

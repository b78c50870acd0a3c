"""The one error every value reader raises."""

from __future__ import annotations


class ValueParseError(ValueError):
    """A cell value that cannot be read; ``str(error)`` is English, ``message_vi`` Vietnamese."""

    def __init__(
        self, text: object, message: str, message_vi: str, why: tuple[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.text = text if isinstance(text, str) else str(text)
        self.message_vi = message_vi
        # What was wrong, without the accepted forms (English, Vietnamese).
        self.why = why or (message, message_vi)


class ValueForms:
    """One kind of value in messages: how a failure to read it is said, and which forms of
    it are accepted; ``error`` makes the ValueParseError of a value of this kind."""

    def __init__(self, what_en: str, unreadable_vi: str, accepted_en: str, accepted_vi: str):
        self.what_en = what_en  # "a number"
        self.unreadable_vi = unreadable_vi  # "không đọc được '{text}' thành số"
        self.accepted_en = accepted_en
        self.accepted_vi = accepted_vi

    def error(self, text: object, why_en: str, why_vi: str) -> ValueParseError:
        return ValueParseError(
            text,
            f"cannot read {text!r} as {self.what_en}: {why_en}; {self.accepted_en}",
            f"{self.unreadable_vi.format(text=text)}: {why_vi}; {self.accepted_vi}",
            (why_en, why_vi),
        )

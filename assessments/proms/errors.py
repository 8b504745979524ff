"""Exceptions raised by PROM scoring and wording overlays."""


class InvalidAnswers(ValueError):
    """Answers (or a change request) that cannot be scored; ``errors`` names every bad field."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = {str(key): list(messages) for key, messages in errors.items()}
        summary = "; ".join(
            f"{key}: {', '.join(messages)}" for key, messages in self.errors.items()
        )
        super().__init__(summary or "invalid answers")


class UnknownInstrument(InvalidAnswers):
    """The instrument code is not one of the shipped definitions."""

    def __init__(self, code: object):
        self.code = code
        super().__init__({"instrument": [f"unknown instrument {code!r}"]})


class WordingError(ValueError):
    """A clinic wording file that cannot be applied; ``problems`` lists each one."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("invalid PROM wording file: " + "; ".join(self.problems))

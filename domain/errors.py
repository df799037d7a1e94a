"""What the domain refuses, each with a message a person can act on."""


class DomainError(Exception):
    """A command the rules refuse; nothing is recorded."""


class InvalidValue(DomainError, ValueError):
    """A value breaks a rule of its own (a malformed URL, an empty name, a bad number)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotPermitted(DomainError):
    """The actor's role does not allow this command (behörighet saknas)."""


class ForeignOrganisation(NotPermitted):
    """The actor belongs to another organisation than the record."""


class InvalidTransition(DomainError):
    """The record's current state does not allow this command (e.g. pausing a closed channel)."""


class StaleVersion(DomainError):
    """The client acted on an older version than the one now stored; re-read and retry."""

    def __init__(self, expected: int, actual: int):
        super().__init__(
            f"the record is at version {actual}, not {expected}: "
            "someone changed it after you read it; read it again and retry"
        )
        self.expected = expected
        self.actual = actual

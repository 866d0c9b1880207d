"""Domain errors that both the API and the pages map to a clear 4xx."""


class DomainError(Exception):
    """An action the domain refuses; `status_code` is what an HTTP client gets."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.message = message
        self.field = field
        super().__init__(message)


class ConflictError(DomainError):
    """The action conflicts with the object's state (e.g. editing a finalized note)."""

    status_code = 409

"""The mapper's user-facing error."""

from chipsim.errors import UserError


class MappingError(UserError):
    """A network that a chip cannot hold or express; the message says what, how much, where."""

"""Errors that a user's input causes; the CLI prints their message and exits with code 2."""


class UserError(Exception):
    """Bad input from the user (file, key, value). The message says where and what was expected."""


class ConfigError(UserError):
    """A chip config (or an override of one) that cannot be loaded or is invalid."""

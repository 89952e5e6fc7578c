"""onboard: the first week of securing a startup's AWS, as a guided terminal app."""

__version__ = "0.1.0"

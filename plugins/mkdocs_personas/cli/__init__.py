"""The command line beside the pipeline: personas, init, previews."""

from .commands import main

__all__ = ["main"]

"""User-facing errors and the command-line wrapper every stage entry uses.

A mistake a user can fix (a bad config value, a missing corpus) is raised as
:class:`UserError` and reported as one line on stderr with a non-zero exit;
only bugs in the pipeline itself ever show a traceback.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Callable

EXIT_USER_ERROR = 2


class UserError(Exception):
    """A problem the user can fix; its message is the whole report."""


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose mistakes are one :class:`UserError` line (exit 2 by :func:`run_cli`), not usage text.

    A subcommand's name ("fit" of ``python -m pipeline.stance fit``) starts the
    message; the stage's name is already its prefix.
    """

    def error(self, message: str):  # type: ignore[override]
        words = self.prog.split()
        sub = f"{words[-1]}: " if len(words) > 3 else ""
        raise UserError(f"{sub}{message} (see --help)")


class _Stderr(logging.StreamHandler):
    """A handler that writes to ``sys.stderr`` as it is when a record is emitted.

    A stage entry run in-process (tests, notebooks) installs the handler once;
    binding the stream then would keep a stream that is later replaced and
    closed, and every later log line would print "I/O operation on closed file".
    """

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def setup_logging(stage: str, level: int = logging.INFO) -> logging.Logger:
    """Log one line per step to stderr, prefixed with the stage name."""
    root = logging.getLogger()
    if not any(getattr(h, "_pipeline", False) for h in root.handlers):
        handler = _Stderr()
        handler.setFormatter(logging.Formatter("%(name)s: %(levelname)s %(message)s"))
        handler._pipeline = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        root.setLevel(level)
    # Third-party chatter (gensim per-pass logs) would drown our step lines.
    for noisy in ("gensim", "smart_open", "matplotlib", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return logging.getLogger(stage)


def progress_enabled() -> bool:
    """Progress bars only on an interactive terminal, and never in CI."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def run_cli(stage: str, main: Callable[[list[str]], int | None], argv: list[str] | None = None) -> None:
    """Run ``main`` and turn a :class:`UserError` into one line and exit 2."""
    setup_logging(stage)
    try:
        code = main(sys.argv[1:] if argv is None else argv)
    except UserError as exc:
        print(f"{stage}: error: {exc}", file=sys.stderr)
        sys.exit(EXIT_USER_ERROR)
    except KeyboardInterrupt:
        print(f"{stage}: interrupted", file=sys.stderr)
        sys.exit(130)
    sys.exit(code or 0)

"""Stage ``report``: one Markdown and one self-contained HTML report from every stage's outputs."""
from .stage import SCHEMA, build_context, run

__all__ = ["SCHEMA", "build_context", "run"]

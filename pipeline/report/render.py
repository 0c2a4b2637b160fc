"""One Jinja2 template, two outputs: Markdown for the git host, one HTML file offline.

The template writes Markdown. The HTML is that Markdown converted by
python-markdown, with every figure embedded as a ``data:`` URI and the style
inline, so the file opens from disk with nothing fetched from anywhere.

Corpus text enters the template only through the ``text`` filter, which
escapes HTML (``<script>`` shows as text, on the git host and in the HTML
file alike) and the Markdown characters that would change the layout, or
through the ``code`` filter, which writes a whole code span (ids, paths,
commands) whose content shows literally.
"""
from __future__ import annotations

import base64
import html
import re
from pathlib import Path
from typing import Any

import jinja2
import markdown

from ..core.io import markdown_code, markdown_escape

TEMPLATES = Path(__file__).parent / "templates"

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;line-height:1.5;color:#1a1a1a;background:#fff}
h1,h2,h3{line-height:1.25}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:1em 0;font-size:.9em;display:block;overflow-x:auto}
th,td{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}th{background:#f3f3f3}
tr:nth-child(even) td{background:#fafafa}img{max-width:100%;height:auto}
code{background:#f3f3f3;padding:0 .2em}blockquote{color:#444;border-left:4px solid #ddd;margin:0;padding:0 1em}
nav ul{columns:2}
"""


md_text = markdown_escape  # the template's `text` filter


def fmt_num(value: Any, digits: int = 3) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,  # a missing value is a bug, not a blank
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # Markdown, not HTML: corpus text goes through `text`
    )
    env.filters["text"] = md_text
    # Inside a code span backslash escapes show literally: values there go through `code`.
    env.filters["code"] = markdown_code
    env.filters["num"] = fmt_num
    return env


def render_markdown(context: dict, template: str = "report.md.j2") -> str:
    return environment().get_template(template).render(**context)


def _embed_images(body: str, base: Path) -> str:
    def repl(m: re.Match) -> str:
        src = m.group(2)
        if src.startswith("data:"):
            return m.group(0)
        path = (base / src).resolve()
        mime = "image/svg+xml" if path.suffix == ".svg" else "image/png"
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f'{m.group(1)}data:{mime};base64,{data}{m.group(3)}'

    return re.sub(r'(<img[^>]*?src=")([^"]+)(")', repl, body)


def markdown_to_html(text: str, base: Path, title: str) -> str:
    """A self-contained HTML page from the report's Markdown."""
    body = markdown.markdown(text, extensions=["tables", "toc", "sane_lists"], output_format="html")
    body = _embed_images(body, base)
    # A narrow date column breaks "2021-11-04" at its hyphens; a date cell stays on one line.
    body = re.sub(r"<td>(\d{4}-\d{2}-\d{2})</td>", r'<td style="white-space:nowrap">\1</td>', body)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"{body}\n</body>\n</html>\n"
    )

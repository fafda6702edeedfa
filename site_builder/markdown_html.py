"""Markdown to HTML for the explainers, with the table of contents and shortcodes.

Python-Markdown runs with an explicit extension list; headings get Unicode ids (so
Chinese headings keep readable anchors) and ``##``/``###`` headings make the table of
contents. Each shortcode's placeholder paragraph is replaced by the HTML its template
rendered (escaped by Jinja). This is the one place where HTML becomes `Markup`.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import markdown
from markdown.extensions.toc import slugify_unicode
from markupsafe import Markup

from .errors import BuildError
from .model import ContentPage, Shortcode

EXTENSIONS = ["tables", "toc", "attr_list", "fenced_code", "sane_lists"]
EXTENSION_CONFIGS = {"toc": {"toc_depth": "2-3", "slugify": slugify_unicode}}


@dataclass(frozen=True)
class TocItem:
    """One heading in the table of contents (``##`` with its ``###`` children)."""

    id: str
    text: str
    children: tuple[TocItem, ...]


@dataclass(frozen=True)
class RenderedMarkdown:
    """An explainer body as safe HTML, and its table of contents."""

    html: Markup
    toc: tuple[TocItem, ...]


class MarkdownRenderer:
    """Converts explainer bodies; one instance is reused for every page of a build."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)

    def render(self, page: ContentPage, expand: Callable[[Shortcode], str]) -> RenderedMarkdown:
        """`expand` returns the (already escaped) HTML of one shortcode."""
        self._md.reset()
        body = self._md.convert(page.body)
        for shortcode in page.shortcodes:
            placeholder = f"<p>{shortcode.token}</p>"
            if body.count(placeholder) != 1:
                # e.g. the shortcode sat inside a list item or block quote
                raise BuildError(
                    "this shortcode must be a paragraph of its own (not inside a list or quote)",
                    file=page.file, field=f"line {shortcode.line}",
                )
            body = body.replace(placeholder, expand(shortcode))
        toc = tuple(_toc_item(token) for token in self._md.toc_tokens)
        return RenderedMarkdown(html=Markup(body), toc=toc)


def _toc_item(token: dict) -> TocItem:
    return TocItem(
        id=token["id"],
        # `name` is the heading's text, HTML-escaped; the template escapes it again.
        text=html.unescape(token["name"]),
        children=tuple(_toc_item(child) for child in token["children"]),
    )

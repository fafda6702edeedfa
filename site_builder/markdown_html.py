"""Markdown to HTML for the explainers, with the table of contents and shortcodes.

Python-Markdown runs with an explicit extension list; headings get Unicode ids (so
Chinese headings keep readable anchors) and ``##``/``###`` headings make the table of
contents. Each shortcode's placeholder paragraph is replaced by the HTML its template
rendered (escaped by Jinja). This is the one place where HTML becomes `Markup`.

Raw HTML is not part of the content language (`html_policy`): the renderer has it switched
off (a tag in the text is escaped), and `markdown_problems` reports it when content loads,
together with links the policy refuses, by reading the rendered page with `html.parser`.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import markdown
from markdown.extensions.toc import slugify_unicode
from markupsafe import Markup

from .errors import BuildError
from .html_policy import link_problems, tags_in_text
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
        self._md = _markdown()
        _without_raw_html(self._md)

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


def _markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)


def _without_raw_html(md: markdown.Markdown) -> None:
    """No raw HTML: without these steps, "<tag>" is escaped like any other text."""
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")


def markdown_problems(body: str) -> list[tuple[str, str]]:
    """`(snippet, why)` for raw HTML and refused links in an explainer body, in order.

    The body is rendered exactly as the site renders it (raw HTML off, so any tag is text),
    then read with `html.parser`: text outside code that still looks like a tag is raw HTML
    the author wrote, and every link's target is checked.
    """
    md = _markdown()
    _without_raw_html(md)
    html = md.convert(body)
    problems = [(tag, "raw HTML is not allowed in content (write Markdown; to show a tag "
                 "as text, put it in `code`)") for tag in tags_in_text(html)]
    problems += link_problems(html)
    return problems


def _toc_item(token: dict) -> TocItem:
    return TocItem(
        id=token["id"],
        # `name` is the heading's text, HTML-escaped; the template escapes it again.
        text=html.unescape(token["name"]),
        children=tuple(_toc_item(child) for child in token["children"]),
    )

"""Load the Markdown explainers in `content/`: TOML front matter, body and shortcodes.

A file starts with a `+++` line, TOML front matter, another `+++` line, then Markdown.
A line holding only a shortcode such as ``{{< points-table age >}}`` is lifted out of
the Markdown (a placeholder takes its place) so the table can be rendered from the
scoring package's rules at render time, never typed by hand. Unknown shortcodes, wrong
arguments and unknown indicator ids stop the build with the file and line.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from collections.abc import Collection
from pathlib import Path

from .errors import BuildError, display_path
from .fields import SLUG_RE, Fields
from .html_policy import link_problem
from .markdown_html import markdown_problems
from .model import ContentPage, Shortcode, Source
from .sources import read_source

FRONT_MATTER_FENCE = "+++"
PAGE_REQUIRED = ("title", "summary", "reviewed", "order")
PAGE_OPTIONAL = ("sources",)
SOURCE_REQUIRED = ("title",)
SOURCE_OPTIONAL = ("url", "note")

# Shortcode name -> number of arguments it takes.
SHORTCODES = {"points-table": 1, "interpretations": 0, "edition": 0, "documents": 0,
              "wage-table": 0}
SHORTCODE_RE = re.compile(r"^\{\{<\s*(?P<name>[a-z][a-z-]*)(?P<args>(?:\s+[^\s<>]+)*)\s*>\}\}$")
CODE_FENCE_RE = re.compile(r"^\s*(```|~~~)")


def load_pages(
    folder: Path, root: Path, indicator_ids: Collection[str],
    build_date: datetime.date | None = None,
) -> tuple[ContentPage, ...]:
    """Every `<slug>.md` in `folder`, in display order (front matter `order`, then slug).

    A front-matter `reviewed` date after `build_date` stops the build.
    """
    if not folder.is_dir():
        raise BuildError("content folder not found", file=display_path(folder, root))
    pages = [
        parse_page(read_source(path, display_path(path, root)), path.stem,
                   display_path(path, root), indicator_ids, build_date)
        for path in sorted(folder.glob("*.md"))
    ]
    return tuple(sorted(pages, key=lambda p: (p.order, p.slug)))


def parse_page(
    raw: bytes, slug: str, shown: str, indicator_ids: Collection[str],
    build_date: datetime.date | None = None,
) -> ContentPage:
    """Parse one explainer file (`shown` is its path for messages)."""
    if not SLUG_RE.match(slug):
        raise BuildError(
            f"file name {slug!r} is not a valid slug (lower-case ASCII words joined by hyphens)",
            file=shown,
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise BuildError(f"not valid UTF-8: {err}", file=shown) from None
    lines = text.splitlines()
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        raise BuildError("must start with a '+++' line opening the front matter", file=shown,
                         field="line 1")
    try:
        close = next(i for i in range(1, len(lines)) if lines[i].strip() == FRONT_MATTER_FENCE)
    except StopIteration:
        raise BuildError("front matter is not closed by a '+++' line", file=shown) from None

    front = _parse_front_matter("\n".join(lines[1:close]), shown)
    meta = Fields(front, file=shown, prefix="front matter.",
                  required=PAGE_REQUIRED, optional=PAGE_OPTIONAL)
    sources = []
    for index, table in enumerate(meta.tables("sources")):
        source = Fields(table, file=shown, prefix=f"front matter.sources[{index}].",
                        required=SOURCE_REQUIRED, optional=SOURCE_OPTIONAL)
        sources.append(Source(title=source.text("title"), url=source.text("url"),
                              note=source.text("note")))

    for index, table in enumerate(meta.tables("sources")):
        url = table.get("url") if isinstance(table, dict) else None
        why = link_problem(url) if isinstance(url, str) else None
        if why:
            raise BuildError(why, file=shown, field=f"front matter.sources[{index}].url")
    reviewed = meta.date("reviewed")
    if build_date is not None and reviewed is not None and reviewed > build_date:
        raise BuildError(
            f"{reviewed.isoformat()} is after the build date {build_date.isoformat()}: "
            "a page cannot have been reviewed in the future",
            file=shown, field="front matter.reviewed",
        )
    body, shortcodes = _extract_shortcodes(lines[close + 1:], close + 2, shown, indicator_ids)
    _check_markdown(body, lines, close + 1, shown)
    return ContentPage(
        slug=slug,
        title=meta.text("title"),
        summary=meta.text("summary"),
        reviewed=reviewed,
        order=meta.integer("order"),
        sources=tuple(sources),
        body=body,
        shortcodes=shortcodes,
        file=shown,
    )


def _check_markdown(body: str, lines: list[str], first: int, shown: str) -> None:
    """Stop at the first raw HTML or refused link (`html_policy`), naming its line."""
    for snippet, why in markdown_problems(body):
        needle = next((part for part in snippet.splitlines() if part.strip()), snippet).strip()
        number = next((n for n in range(first, len(lines)) if needle in lines[n]), None)
        shown_snippet = needle if len(needle) <= 60 else needle[:57] + "..."
        raise BuildError(f"{why}: {shown_snippet!r}", file=shown,
                         field=f"line {number + 1}" if number is not None else None)


def _parse_front_matter(text: str, shown: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        # tomllib counts lines from the front matter's first line, which is line 2 of the file.
        raise BuildError(f"front matter is not valid TOML (line 1 is the file's line 2): {err}",
                         file=shown) from None


def _extract_shortcodes(
    lines: list[str], first_line: int, shown: str, indicator_ids: Collection[str]
) -> tuple[str, tuple[Shortcode, ...]]:
    """Replace each shortcode line by its placeholder; check names, arguments and ids."""
    out: list[str] = []
    shortcodes: list[Shortcode] = []
    fence: str | None = None
    for number, line in enumerate(lines, start=first_line):
        fence_match = CODE_FENCE_RE.match(line)
        if fence_match:  # shortcodes inside fenced code are shown, not expanded
            marker = fence_match.group(1)
            fence = marker if fence is None else (None if marker == fence else fence)
        if fence is not None or "{{<" not in line:
            out.append(line)
            continue
        where = f"line {number}"
        match = SHORTCODE_RE.match(line.strip())
        if not match:
            raise BuildError("a shortcode must stand alone on its line, as {{< name args >}}",
                             file=shown, field=where)
        name, args = match["name"], tuple(match["args"].split())
        if name not in SHORTCODES:
            raise BuildError(
                f"unknown shortcode {name!r} (known: {', '.join(sorted(SHORTCODES))})",
                file=shown, field=where)
        if len(args) != SHORTCODES[name]:
            raise BuildError(f"shortcode {name!r} takes {SHORTCODES[name]} argument(s), "
                             f"found {len(args)}", file=shown, field=where)
        if name == "points-table" and args[0] not in indicator_ids:
            raise BuildError(
                f"unknown indicator id {args[0]!r} (known: {', '.join(indicator_ids)})",
                file=shown, field=where)
        shortcode = Shortcode(name=name, args=args, line=number)
        shortcodes.append(shortcode)
        # Blank lines around the token make it a paragraph of its own.
        out.extend(["", shortcode.token, ""])
    return "\n".join(out) + "\n", tuple(shortcodes)

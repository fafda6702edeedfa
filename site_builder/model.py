"""The in-memory model of everything the site is built from.

`load.py` turns catalogue and content files into these objects after validating them;
`render.py` only ever reads them. Keeping the two phases apart means a broken file is
found before a single page is written.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Note:
    """A note that comes with the official lists (e.g. the certificate must match the job)."""

    id: str
    text: str
    file: str


@dataclass(frozen=True)
class Entry:
    """One row of an official list. `id` is stable forever: it is the page's URL."""

    catalogue_id: str
    id: str
    seq: int
    name: str
    aliases: tuple[str, ...]  # other name forms the official row itself lists
    titles: tuple[str, ...]
    code: str | None
    related: tuple[str, ...]  # references as written: "<catalogue id>/<entry id>"
    notes: tuple[str, ...]  # note ids specific to this entry
    # Names people use that the official list does not (一级建造师): the search finds the
    # entry by them, and says so; pages never show them as the list's own names.
    search_aids: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The reference other entries use for this one: ``<catalogue id>/<entry id>``."""
        return f"{self.catalogue_id}/{self.id}"

    @property
    def url(self) -> str:
        """Site-relative URL of the entry page."""
        return f"catalogue/{self.catalogue_id}/{self.id}/"


@dataclass(frozen=True)
class Catalogue:
    """One official list with its metadata; entries are in sequence order."""

    id: str
    title: str
    short_title: str
    edition: str
    used_for: str
    points: str
    title_levels: tuple[str, ...]
    source: str
    edition_notes: tuple[str, ...]
    note_ids: tuple[str, ...]
    order: int  # display order among the catalogues (then id)
    entries: tuple[Entry, ...]
    file: str

    @property
    def url(self) -> str:
        """Site-relative URL of the catalogue's index page."""
        return f"catalogue/{self.id}/"


@dataclass(frozen=True)
class Source:
    """A document an explainer relies on, cited by name (and optionally a link and a note)."""

    title: str
    url: str | None
    note: str | None


@dataclass(frozen=True)
class Shortcode:
    """A ``{{< name args >}}`` line in an explainer; `line` is its line in the file."""

    name: str
    args: tuple[str, ...]
    line: int

    @property
    def token(self) -> str:
        """The placeholder that stands in the Markdown for the shortcode's HTML.

        Plain ASCII letters and digits, so Markdown leaves it alone as its own paragraph.
        """
        return f"zzshortcode{self.line}zz"


@dataclass(frozen=True)
class ContentPage:
    """A Markdown explainer.

    In `body` each shortcode line is replaced by its placeholder token; the shortcode
    itself is in `shortcodes` and is expanded into HTML at render time.
    """

    slug: str
    title: str
    summary: str
    reviewed: datetime.date
    order: int
    sources: tuple[Source, ...]
    body: str
    shortcodes: tuple[Shortcode, ...]
    file: str

    @property
    def url(self) -> str:
        """Site-relative URL of the explainer."""
        return f"policy/{self.slug}/"


@dataclass(frozen=True)
class Site:
    """Everything loaded and cross-checked: catalogues, their notes, and the explainers.

    `related` maps each entry key to the keys of its related entries in both directions
    (a link written on one side is shown on both), in catalogue and sequence order.
    """

    catalogues: tuple[Catalogue, ...]
    notes: Mapping[str, Note]
    pages: tuple[ContentPage, ...]
    related: Mapping[str, tuple[str, ...]]
    entries_by_key: Mapping[str, Entry]

    def related_entries(self, entry: Entry) -> list[Entry]:
        """The entries linked to `entry`, whichever side wrote the link."""
        return [self.entries_by_key[key] for key in self.related.get(entry.key, ())]

    def catalogue(self, catalogue_id: str) -> Catalogue:
        """The catalogue with this id (the caller knows it exists)."""
        return next(c for c in self.catalogues if c.id == catalogue_id)

    def page(self, slug: str) -> ContentPage | None:
        """The explainer with this slug, if there is one."""
        return next((p for p in self.pages if p.slug == slug), None)

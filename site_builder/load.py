"""Phase one: load and validate every input into a `Site`.

Catalogue files follow the contract in docs/architecture.md: closed key sets, required
fields with their types, unique ids and sequence numbers, notes and `related`
references that resolve. Reverse `related` links are derived here, so a link written in
one list shows on both entries. Content files are read by `content.py`. Everything that
can be checked without rendering is checked here; the first problem raises `BuildError`.
"""

from __future__ import annotations

import datetime
import tomllib
from pathlib import Path
from typing import Any

from .content import load_pages
from .errors import BuildError, display_path
from .fields import SLUG_RE, Fields
from .model import Catalogue, Entry, Note, Site
from .rules import Rules
from .sources import read_source

CATALOGUE_REQUIRED = (
    "id", "title", "short_title", "edition", "used_for", "points", "title_levels", "source",
)
CATALOGUE_OPTIONAL = ("edition_notes", "note_ids", "order")
ENTRY_REQUIRED = ("id", "seq", "name")
ENTRY_OPTIONAL = ("aliases", "titles", "code", "related", "notes", "search_aids")
NOTE_REQUIRED = ("id", "text")


def load_site(root: Path, rules: Rules, build_date: datetime.date | None = None) -> Site:
    """Load `root/catalogue/*.toml` and `root/content/*.md` and cross-check them.

    `rules` is consulted for what the files may refer to: the profile `title` values a
    catalogue's `title_levels` may name and the indicator ids explainer tables may show.
    Content `reviewed` dates may not lie after `build_date`.
    """
    catalogues, notes = load_catalogues(root / "catalogue", root)
    _check_title_levels(catalogues, rules.title_options())
    pages = load_pages(root / "content", root, rules.indicator_ids(), build_date)
    entries_by_key = {e.key: e for c in catalogues for e in c.entries}
    _check_note_references(catalogues, notes)
    related = _derive_related(catalogues, entries_by_key)
    return Site(
        catalogues=catalogues,
        notes=notes,
        pages=pages,
        related=related,
        entries_by_key=entries_by_key,
    )


def read_toml(path: Path, shown: str) -> dict[str, Any]:
    """Parse one TOML file; a syntax error names the file, line and column."""
    data = read_source(path, shown)
    try:
        return tomllib.loads(data.decode("utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise BuildError(f"not valid TOML: {err}", file=shown) from None
    except UnicodeDecodeError as err:
        raise BuildError(f"not valid UTF-8: {err}", file=shown) from None


def load_catalogues(folder: Path, root: Path) -> tuple[tuple[Catalogue, ...], dict[str, Note]]:
    """Every `<id>.toml` in `folder` in display order, and the notes they define.

    Display order is the optional `catalogue.order` (default 0), then the id.
    """
    if not folder.is_dir():
        raise BuildError("catalogue folder not found", file=display_path(folder, root))
    catalogues: list[Catalogue] = []
    notes: dict[str, Note] = {}
    for path in sorted(folder.glob("*.toml")):
        shown = display_path(path, root)
        catalogue, file_notes = _load_catalogue(read_toml(path, shown), shown, path.stem)
        for note in file_notes:
            if note.id in notes:
                raise BuildError(
                    f"note id {note.id!r} is already defined in {notes[note.id].file}",
                    file=shown, entry=f'notes (id "{note.id}")', field="id",
                )
            notes[note.id] = note
        catalogues.append(catalogue)
    return tuple(sorted(catalogues, key=lambda c: (c.order, c.id))), notes


def _load_catalogue(data: dict[str, Any], shown: str, stem: str) -> tuple[Catalogue, list[Note]]:
    top = Fields(data, file=shown, required=("catalogue", "entries"), optional=("notes",))
    meta = Fields(
        data["catalogue"], file=shown, prefix="catalogue.",
        required=CATALOGUE_REQUIRED, optional=CATALOGUE_OPTIONAL,
    )
    catalogue_id = meta.slug("id")
    if catalogue_id != stem:
        raise meta.error(
            f"id {catalogue_id!r} must match the file name ({stem}.toml)", field="id"
        )

    notes = []  # duplicate ids are caught by the caller, across all files
    for index, table in enumerate(top.tables("notes")):
        fields = Fields(table, file=shown, entry=_label("notes", index, table),
                        required=NOTE_REQUIRED)
        notes.append(Note(id=fields.slug("id"), text=fields.text("text"), file=shown))

    entries = []
    ids: dict[str, int] = {}
    seqs: dict[int, str] = {}
    for index, table in enumerate(top.tables("entries")):
        label = _label("entries", index, table)
        entry = _load_entry(Fields(table, file=shown, entry=label, required=ENTRY_REQUIRED,
                                   optional=ENTRY_OPTIONAL), catalogue_id)
        if entry.id in ids:
            raise BuildError(f"duplicate id {entry.id!r} (also entries[{ids[entry.id]}])",
                             file=shown, entry=label, field="id")
        if entry.seq in seqs:
            raise BuildError(f"duplicate seq {entry.seq} (also entry {seqs[entry.seq]!r})",
                             file=shown, entry=label, field="seq")
        ids[entry.id] = index
        seqs[entry.seq] = entry.id
        entries.append(entry)
    if not entries:
        raise top.error("a catalogue needs at least one entry", field="entries")

    catalogue = Catalogue(
        id=catalogue_id,
        title=meta.text("title"),
        short_title=meta.text("short_title"),
        edition=meta.text("edition"),
        used_for=meta.text("used_for"),
        points=meta.text("points"),
        title_levels=meta.text_list("title_levels"),
        source=meta.text("source"),
        edition_notes=meta.text_list("edition_notes"),
        order=meta.integer("order") or 0,
        note_ids=meta.text_list("note_ids"),
        entries=tuple(sorted(entries, key=lambda e: e.seq)),
        file=shown,
    )
    return catalogue, notes


def _label(kind: str, index: int, table: Any) -> str:
    """How messages name the `index`-th table of an array, with its id when it has one."""
    label = f"{kind}[{index}]"
    if isinstance(table, dict) and isinstance(table.get("id"), str):
        label += f' (id "{table["id"]}")'
    return label


def _load_entry(fields: Fields, catalogue_id: str) -> Entry:
    related = fields.text_list("related")
    for position, ref in enumerate(related):
        parts = ref.split("/")
        if len(parts) != 2 or not all(SLUG_RE.match(part) for part in parts):
            raise fields.error(
                f"{ref!r} is not a reference of the form '<catalogue id>/<entry id>'",
                field=f"related[{position}]",
            )
    return Entry(
        catalogue_id=catalogue_id,
        id=fields.slug("id"),
        seq=fields.integer("seq", minimum=1),
        name=fields.text("name"),
        aliases=fields.text_list("aliases"),
        titles=fields.text_list("titles"),
        code=fields.text("code"),
        related=related,
        notes=fields.text_list("notes"),
        search_aids=fields.text_list("search_aids"),
    )


def _check_title_levels(catalogues: tuple[Catalogue, ...], options: dict[str, str]) -> None:
    for catalogue in catalogues:
        for position, value in enumerate(catalogue.title_levels):
            if value not in options:
                raise BuildError(
                    f"{value!r} is not a profile title value (known: {', '.join(options)})",
                    file=catalogue.file, field=f"catalogue.title_levels[{position}]",
                )


def _check_note_references(catalogues: tuple[Catalogue, ...], notes: dict[str, Note]) -> None:
    for catalogue in catalogues:
        for position, note_id in enumerate(catalogue.note_ids):
            if note_id not in notes:
                raise BuildError(
                    f"note {note_id!r} is not defined in any catalogue file",
                    file=catalogue.file, field=f"catalogue.note_ids[{position}]",
                )
        for entry in catalogue.entries:
            for position, note_id in enumerate(entry.notes):
                if note_id not in notes:
                    raise BuildError(
                        f"note {note_id!r} is not defined in any catalogue file",
                        file=catalogue.file, entry=_entry_label(entry),
                        field=f"notes[{position}]",
                    )


def _derive_related(
    catalogues: tuple[Catalogue, ...], entries_by_key: dict[str, Entry]
) -> dict[str, tuple[str, ...]]:
    """Check every `related` reference and make the relation symmetric."""
    links: dict[str, set[str]] = {}
    for catalogue in catalogues:
        for entry in catalogue.entries:
            for position, ref in enumerate(entry.related):
                problem = None
                if ref == entry.key:
                    problem = "an entry cannot be related to itself"
                elif ref not in entries_by_key:
                    problem = f"{ref!r} does not match any catalogue entry"
                if problem:
                    raise BuildError(
                        problem, file=catalogue.file,
                        entry=_entry_label(entry), field=f"related[{position}]",
                    )
                links.setdefault(entry.key, set()).add(ref)
                links.setdefault(ref, set()).add(entry.key)
    order = {key: position for position, key in enumerate(entries_by_key)}
    return {key: tuple(sorted(refs, key=order.__getitem__)) for key, refs in sorted(links.items())}


def _entry_label(entry: Entry) -> str:
    """How messages name an entry once loaded (its id and seq, which the file shows)."""
    return f'entries (id "{entry.id}", seq {entry.seq})'


"""The one error type the builder raises for bad input.

Every problem in a data or content file becomes a `BuildError` that names the file,
the entry (when there is one) and the field or line, so the person editing the file can
go straight to the mistake. The CLI prints it and exits non-zero; nothing is written.
"""

from __future__ import annotations

from pathlib import Path


class BuildError(Exception):
    """A data, content or rules problem that stops the build.

    `file` is a path as the user would type it (relative to the project root when possible),
    `entry` names the entry (e.g. ``entries[3] (id "kuaiji")``), `field` the key
    (dotted for nested keys, shown as ``field "catalogue.title"``) or a location such as
    ``line 12``. Any of the three may be ``None`` when it does not apply.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        entry: str | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.entry = entry
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        field = self.field
        if field and not field.startswith("line "):
            field = f'field "{field}"'
        where = [part for part in (self.file, self.entry, field) if part]
        return f"{': '.join(where)}: {self.message}" if where else self.message


def display_path(path: Path, root: Path) -> str:
    """`path` as messages show it: relative to the project root when it is inside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)

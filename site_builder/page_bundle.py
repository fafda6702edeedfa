"""One file for an ES module of the calculator page and every module it imports statically.

The page's scripts stay small modules named after their concept (`static/calc/`); the page
loads each entry (`calculator.js`, and `plan.js` on demand) as one file. Measured on the
benchmark's phone profile (return visits, 20 each way): the engine's worker began about 50 ms
sooner and the first score about 95 ms sooner than with one request per module. Each module
loaded separately costs the page's main thread a handful of tasks (response, data, compile,
instantiation), and the browser starts the worker only once that thread gets to the worker's
"script loaded" message, queued behind them.

The modules are our own and use a small part of the module syntax. The bundler reads
statements that start a line; these it takes, and any other import or export there stops the
build, naming the file and the line:

- ``import { a, b } from "./x.js";`` and ``import * as x from "./x.js";`` (relative, same
  folder);
- ``export function``, ``export async function``, ``export const``, ``export class``, one name
  each.

It does not parse JavaScript: a line inside a multi-line string or comment that starts with
``import`` or ``export`` would be taken for a statement (the page's modules have none).

Each module becomes a function run once, in the order the browser would evaluate the modules
(a module after everything it imports), returning its exports; an import becomes a constant
taken from that result, and the entry's exports are exported from the file. That is what the
browser does for these forms: the names exported are constants or functions, never reassigned
(``export let`` is refused), so a copy of the value is the value. Only the ``module$<name>``
constants are shared between modules, as only exports are between module files. Every name
imported must be exported by its module: a typo stops the build instead of failing on a
visitor's phone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .errors import BuildError

_IDENT = r"[A-Za-z_$][\w$]*"
_SPEC = r'"\./([a-z][a-z0-9-]*\.js)"'
# A static import statement at the start of a line (up to its semicolon, over several lines).
_IMPORT = re.compile(r"^import\b(?!\s*\()[^;]*;", re.M)
_NAMED = re.compile(r"import\s*\{([^}]*)\}\s*from\s*" + _SPEC + r"\s*;\Z")
_NAMESPACE = re.compile(r"import\s*\*\s*as\s+(" + _IDENT + r")\s+from\s*" + _SPEC + r"\s*;\Z")
_EXPORT = re.compile(r"^export\b.*$", re.M)
_EXPORT_DECLARATION = re.compile(
    r"export\s+(?:(?:async\s+)?function\s*\*?\s*|(const)\s+|class\s+)(" + _IDENT + r")(?![\w$])"
)
# The same keywords further in than the start of a line, where this bundler would miss them.
_INDENTED = re.compile(r"^[ \t]+(?:import\s*[{*]|export\s)", re.M)
# A dynamic import of a relative path: its target would not be in the bundle.
_DYNAMIC = re.compile(r"\bimport\s*\(\s*[\"'`]\.")
_OPENING = {"(": ")", "[": "]", "{": "}"}


def bundle(entry: str, read: Callable[[str], str], *, where: str = "") -> tuple[str, list[str]]:
    """`entry` and the modules it imports, as one module's text; and the names of the modules
    in it, in the order they run. `read(name)` gives a module's source (any exception: no such
    module); `where` is the folder named in errors (e.g. ``site_builder/static/calc/``)."""
    parsed: dict[str, _Module] = {}
    order: list[str] = []

    def visit(name: str, chain: tuple[str, ...], via: _Import | None) -> None:
        """Parse `name` and, first, everything it imports (`chain`: the importers that led
        here; `via`: the import statement in the last of them)."""
        def importer_error(message: str) -> BuildError:
            return BuildError(message, file=where + chain[-1], field=f"line {via.line}")

        if name in chain:
            raise importer_error("page modules import each other in a circle: "
                                 f"{' → '.join((*chain, name))}")
        if name in parsed:
            return
        try:
            text = read(name)
        except Exception as error:
            if via is None:
                raise
            raise importer_error(f"imports {name}, which is not one of the page's modules "
                                 f"({error})") from error
        module = parsed[name] = _parse(text, where + name)
        for imported in module.imports:
            visit(imported.module, (*chain, name), imported)
        order.append(name)

    visit(entry, (), None)
    for name in order:
        for imported in parsed[name].imports:
            missing = [n for n in imported.names or () if n not in parsed[imported.module].exports]
            if missing:
                raise BuildError(f"imports {', '.join(missing)} from {imported.module}, which "
                                 "does not export it", file=where + name,
                                 field=f"line {imported.line}")
    parts = [f"// {entry} and the modules it imports, in one file: site_builder/page_bundle.py\n"]
    for name in order:
        module = parsed[name]
        parts.append(f"\n// ==== {name}\nconst {_variable(name)} = (() => {{\n"
                     f"{module.header()}{_unexported(module.body)}"
                     # (in the order of a module namespace object's keys)
                     f"return Object.freeze({{ {', '.join(sorted(module.exports))} }});\n}})();\n")
    if parsed[entry].exports:
        parts.append(f"export const {{ {', '.join(parsed[entry].exports)} }} = "
                     f"{_variable(entry)};\n")
    return "".join(parts), order


@dataclass(frozen=True)
class _Import:
    names: tuple[str, ...] | None  # None: the whole module, as `alias`
    module: str
    line: int
    alias: str | None = None


@dataclass(frozen=True)
class _Module:
    body: str  # the source without its import statements
    imports: tuple[_Import, ...]
    exports: tuple[str, ...]

    def header(self) -> str:
        """The module's imports as constants, first: the browser binds them before any of the
        module's code runs."""
        return "".join(
            f"const {{ {', '.join(i.names)} }} = {_variable(i.module)};\n" if i.names is not None
            else f"const {i.alias} = {_variable(i.module)};\n"
            for i in self.imports
        )


def _parse(text: str, file: str) -> _Module:
    """A module's imports and exports, checked against the forms the bundler takes, and its
    source without the import statements (blank lines in their place)."""
    def line_at(offset: int) -> int:
        return text.count("\n", 0, offset) + 1

    for pattern, what in ((_INDENTED, "an import or export that does not start its line"),
                          (_DYNAMIC, "a dynamic import of a relative path")):
        found = pattern.search(text)
        if found:
            raise BuildError(f"{what}: the page's modules are bundled (site_builder/"
                             "page_bundle.py), which takes only the forms its docstring lists",
                             file=file, field=f"line {line_at(found.start())}")
    imports: list[_Import] = []

    def take_import(match: re.Match) -> str:
        statement = match.group(0)
        line = line_at(match.start())
        named = _NAMED.fullmatch(statement)
        whole = _NAMESPACE.fullmatch(statement)
        if named:
            names = tuple(n.strip() for n in named.group(1).split(",") if n.strip())
            if not all(re.fullmatch(_IDENT, n) for n in names):
                raise BuildError("an import list the page bundler cannot read (a name renamed "
                                 'with "as", or a comment in it)', file=file, field=f"line {line}")
            imports.append(_Import(names, named.group(2), line))
        elif whole:
            imports.append(_Import(None, whole.group(2), line, alias=whole.group(1)))
        else:
            raise BuildError('an import the page bundler does not take (only `import { a, b } '
                             'from "./x.js";` and `import * as x from "./x.js";`)',
                             file=file, field=f"line {line}")
        # Blank lines in its place: the module's other lines keep their numbers (in a stack
        # trace, a line of the bundle is the module's line plus a constant).
        return "\n" * statement.count("\n")

    body = _IMPORT.sub(take_import, text)
    exports = []
    for match in _EXPORT.finditer(text):
        declaration = _EXPORT_DECLARATION.match(match.group(0))
        if not declaration:
            raise BuildError("an export the page bundler does not take (only `export function`, "
                             "`export async function`, `export const` and `export class`)",
                             file=file, field=f"line {line_at(match.start())}")
        if declaration.group(1) and _declares_more(text, match.start() + declaration.end()):
            raise BuildError("an `export const` that declares more than one name: the page "
                             "bundler takes one name per export", file=file,
                             field=f"line {line_at(match.start())}")
        exports.append(declaration.group(2))
    return _Module(body, tuple(imports), tuple(exports))


def _declares_more(text: str, start: int) -> bool:
    """Whether the `const` declaration going on at `start` (after its first name) declares
    another name: a comma outside brackets and strings before the statement's semicolon."""
    closing: list[str] = []
    quote = None
    at = start
    while at < len(text):
        char = text[at]
        if quote:
            if char == "\\":
                at += 1
            elif char == quote:
                quote = None
        elif char in "\"'`":
            quote = char
        elif char in _OPENING:
            closing.append(_OPENING[char])
        elif closing and char == closing[-1]:
            closing.pop()
        elif not closing and char in ",;":
            return char == ","
        at += 1
    return False


def _unexported(body: str) -> str:
    """A module's source with its exports made plain declarations (its function returns
    them instead)."""
    return _EXPORT.sub(lambda m: m.group(0).removeprefix("export").lstrip(), body)


def _variable(name: str) -> str:
    """The constant holding a bundled module's exports: ``form.js`` → ``module$form``."""
    return "module$" + name.removesuffix(".js").replace("-", "_")

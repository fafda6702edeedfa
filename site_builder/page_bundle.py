"""One file for an ES module of the calculator page and every module it imports statically.

The page's scripts stay small modules named after their concept (`static/calc/`); the page
loads each entry (`calculator.js`, and `plan.js` on demand) as one file. Measured on the
benchmark's phone profile (return visits, 20 each way): the engine's worker began about 50 ms
sooner and the first score about 95 ms sooner than with one request per module. Each module
loaded separately costs the page's main thread a handful of tasks (response, data, compile,
instantiation), and the browser starts the worker only once that thread gets to the worker's
"script loaded" message, queued behind them.

The modules are our own and use a small part of the module syntax; anything else stops the
build, naming the file and the line:

- ``import { a, b } from "./x.js";`` and ``import * as x from "./x.js";`` at the start of a
  line (relative, same folder);
- ``export function``, ``export async function``, ``export const``, ``export class`` at the start
  of a line (one name each).

Each imported module becomes a function run once, in the order the browser would evaluate the
modules (a module after everything it imports), returning its exports; an import becomes a
constant taken from that result. That is what the browser does for these forms: the names
exported are constants or functions, never reassigned (``export let`` is refused), so a
copy of the value is the value. Every name imported must be exported by its module: a typo
stops the build instead of failing on a visitor's phone.
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
    r"export\s+(?:(?:async\s+)?function\s*\*?\s*|const\s+|class\s+)(" + _IDENT + r")(?![\w$])"
)
# The same keywords further in than the start of a line, where this bundler would miss them.
_INDENTED = re.compile(r"^[ \t]+(?:import\s*[{*]|export\s)", re.M)
# A dynamic import of a relative path: its target would not be in the bundle.
_DYNAMIC = re.compile(r"\bimport\s*\(\s*[\"'`]\.")


def bundle(entry: str, read: Callable[[str], str], *, where: str = "") -> tuple[str, list[str]]:
    """`entry` and the modules it imports, as one module's text (the entry's own exports stay
    exports); and the names of the modules in it, in the order they run. `read(name)` gives a
    module's source; `where` is the folder named in errors (e.g. ``site_builder/static/calc/``)."""
    parsed: dict[str, _Module] = {}
    order: list[str] = []

    def visit(name: str, chain: tuple[str, ...]) -> None:
        if name in chain:
            raise BuildError(f"page modules import each other in a circle: "
                             f"{' → '.join((*chain, name))}", file=where + chain[-1])
        if name in parsed:
            return
        module = parsed[name] = _parse(read(name), where + name)
        for imported in module.imports:
            visit(imported.module, (*chain, name))
        order.append(name)

    visit(entry, ())
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
        if name == entry:
            parts.append(f"\n// ==== {name}\n{module.header()}{module.body}")
            continue
        parts.append(f"\n// ==== {name}\nconst {_variable(name)} = (() => {{\n"
                     f"{module.header()}{_unexported(module.body)}"
                     f"return Object.freeze({{ {', '.join(module.exports)} }});\n}})();\n")
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
    def where(offset: int) -> str:
        return f"line {text.count(chr(10), 0, offset) + 1}"

    for pattern, what in ((_INDENTED, "an import or export that does not start its line"),
                          (_DYNAMIC, "a dynamic import of a relative path")):
        found = pattern.search(text)
        if found:
            raise BuildError(f"{what}: the page's modules are bundled (site_builder/"
                             "page_bundle.py), which takes only the forms its docstring lists",
                             file=file, field=where(found.start()))
    imports: list[_Import] = []

    def take_import(match: re.Match) -> str:
        statement = match.group(0)
        line = text.count("\n", 0, match.start()) + 1
        named = _NAMED.fullmatch(statement)
        whole = _NAMESPACE.fullmatch(statement)
        if named:
            names = tuple(n.strip() for n in named.group(1).split(",") if n.strip())
            if not all(re.fullmatch(_IDENT, n) for n in names):
                raise BuildError('an import that renames ("as"): not taken by the page bundler',
                                 file=file, field=f"line {line}")
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
                             "`export async function`, `export const` and `export class`, one "
                             "name each)", file=file, field=where(match.start()))
        exports.append(declaration.group(1))
    return _Module(body, tuple(imports), tuple(exports))


def _unexported(body: str) -> str:
    """A bundled module's source with its exports made plain declarations (its function
    returns them instead)."""
    return _EXPORT.sub(lambda m: m.group(0).removeprefix("export").lstrip(), body)


def _variable(name: str) -> str:
    """The constant holding a bundled module's exports: ``form.js`` → ``module$form``."""
    return "module$" + name.removesuffix(".js").replace("-", "_")

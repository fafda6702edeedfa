"""What HTML and links the site allows, checked on parsed HTML (never with regular expressions).

Content policy (enforced when content is loaded, with the source file and line):
- **No raw HTML in Markdown.** The explainers need none; Markdown and the shortcodes make
  every element they need. The Markdown renderer also has raw HTML switched off, so
  anything that slipped past would be shown as text, not run.
- **Links** (Markdown links, images, autolinks, reference definitions, front-matter source
  URLs) may only be `http:`/`https:`, `mailto:` or site-relative (a path, `#fragment` or
  `?query` without a scheme); `javascript:`, `data:`, protocol-relative `//host` and every
  other scheme are refused.

Page policy (checked on every HTML file the build writes, `page_problems`): what the
Content-Security-Policy would block or cannot cover — an inline `<script>` (one without
`src`, other than a JSON data block) unless the page's own CSP names its SHA-256 in
`script-src` (the calculator's start.js: the policy then allows that script and no other),
an inline event handler (`on…=`), a `style=`
attribute, and `<meta http-equiv>` other than the CSP itself (a refresh could send the
reader elsewhere). This guards the templates and page producers; it runs on
`html.parser`'s view of the page, so escaped text such as a catalogue name containing
``<script>`` is text, not a tag.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from html.parser import HTMLParser

ALLOWED_SCHEMES = ("http", "https", "mailto")
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
# Browsers drop tabs and newlines anywhere in a URL and leading control characters/spaces.
_URL_IGNORED_RE = re.compile(r"[\t\n\r]")
_URL_LEADING_RE = re.compile(r"^[\x00-\x20]+")
# A <script> of these types is data the page reads, never run (and the CSP allows it).
DATA_BLOCK_TYPES = ("application/json", "application/ld+json")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "cite", "data", "srcset")


def link_problem(url: str) -> str | None:
    """Why `url` is not an allowed link, or None when it is."""
    cleaned = _URL_LEADING_RE.sub("", _URL_IGNORED_RE.sub("", url))
    if cleaned.startswith(("//", "\\\\", "/\\", "\\/")):
        return "a link to another host must start with https:// (no protocol-relative //)"
    match = _SCHEME_RE.match(cleaned)
    if match and match.group(1).lower() not in ALLOWED_SCHEMES:
        return (f"links may only be http(s), mailto or site-relative, "
                f"not {match.group(1).lower()}:")
    return None


@dataclass(frozen=True)
class Problem:
    """One thing the policy refuses, at `line` of the HTML that was checked."""

    line: int
    message: str


class _Collector(HTMLParser):
    """Collects start tags with their attributes and line numbers, and the text of each
    <script> (as the browser hashes it: the element's raw text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]], int]] = []
        self.scripts: dict[int, str] = {}  # index in `tags` → the script's text
        self._script: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs, self.getpos()[0]))
        if tag == "script":
            self._script = len(self.tags) - 1
            self.scripts[self._script] = ""

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self.scripts[self._script] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def _tags(html: str) -> list[tuple[str, list[tuple[str, str | None]], int]]:
    return _parsed(html).tags


def script_hash(text: str) -> str:
    """The CSP source that allows exactly the inline script `text` (its SHA-256, base64)."""
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


def _parsed(html: str) -> _Collector:
    parser = _Collector()
    parser.feed(html)
    parser.close()
    return parser


def _script_policies(tags) -> list[set[str]]:
    """For each CSP meta tag of the page, the script hashes (`'sha256-…'`) it allows for a
    <script> element: from its first `script-src-elem`, else its first `script-src`, else its
    `default-src`, as a browser reads it. A browser runs an inline script only if every policy
    allows it."""
    policies = []
    for tag, attrs, _line in tags:
        values = dict(attrs)
        if tag != "meta" or (values.get("http-equiv") or "").lower() != "content-security-policy":
            continue
        directives: dict[str, list[str]] = {}
        for directive in (values.get("content") or "").split(";"):
            name, *sources = directive.split() or [""]
            directives.setdefault(name.lower(), sources)  # the first of a name counts
        sources = next((directives[name] for name in ("script-src-elem", "script-src",
                                                      "default-src") if name in directives), [])
        policies.append({s for s in sources if s.startswith("'sha256-")})
    return policies


_TAG_LIKE_RE = re.compile(r"<(?:[A-Za-z][A-Za-z0-9-]*|/[A-Za-z]|!|\?)[^>]*>?")


class _TextOutsideCode(HTMLParser):
    """Collects text that is not inside <code> or <pre>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("code", "pre"):
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("code", "pre") and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.text.append(data)


def tags_in_text(html: str) -> list[str]:
    """Text of `html` (outside code) that a browser would take for a tag or comment, had it
    not been escaped: in rendered Markdown, that is raw HTML the author wrote."""
    parser = _TextOutsideCode()
    parser.feed(html)
    parser.close()
    return [match.group(0) for text in parser.text for match in _TAG_LIKE_RE.finditer(text)]


def link_problems(html: str) -> list[tuple[str, str]]:
    """`(url, why)` for every link in `html` (rendered Markdown) the content policy refuses."""
    found = []
    for _tag, attrs, _line in _tags(html):
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value is not None:
                why = link_problem(value)
                if why:
                    found.append((value, why))
    return found


def page_problems(html: str) -> list[Problem]:
    """What the page policy refuses in one HTML page (see module docstring)."""
    problems = []
    parsed = _parsed(html)
    policies = _script_policies(parsed.tags)
    for index, (tag, attrs, line) in enumerate(parsed.tags):
        names = {name for name, _ in attrs}
        script_type = (dict(attrs).get("type") or "").strip().lower()
        if tag == "script" and "src" not in names and script_type not in DATA_BLOCK_TYPES:
            source = script_hash(parsed.scripts.get(index, ""))
            if not policies or not all(source in allowed for allowed in policies):
                problems.append(Problem(line, "an inline <script> (use <script src>, or name "
                                              "its SHA-256 in the page's CSP)"))
        for name in sorted(names):
            if name.startswith("on"):
                problems.append(Problem(line, f"an inline event handler ({name}=)"))
            elif name == "style":
                problems.append(Problem(line, "a style attribute"))
        if tag == "meta" and "http-equiv" in names:
            equiv = (dict(attrs).get("http-equiv") or "").lower()
            if equiv != "content-security-policy":
                problems.append(Problem(line, f'<meta http-equiv="{equiv}">'))
    return problems

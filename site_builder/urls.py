"""Site URLs: page-relative links, the base URL and absolute URLs.

Pages are addressed by site-relative URLs: ``""`` is the home page, ``"catalogue/"`` a
folder page (written as ``catalogue/index.html``), ``"404.html"`` or
``"static/site.css"`` a file. Links between pages are made relative to the linking page,
so the same output works at a domain's root and under any sub-path (``--base-url
/some-repo/``). Only pages served at unpredictable paths (404.html) use the base URL,
and only the sitemap, canonical links and Open Graph tags use the absolute site URL.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .errors import BuildError

# A reserved top-level domain (RFC 2606): a sitemap built without --site-url points
# somewhere that can never resolve, instead of at someone else's site.
DEFAULT_SITE_URL = "https://example.invalid/"


def relative(from_url: str, to_url: str) -> str:
    """The link from page `from_url` to `to_url` (which may carry a ``#fragment``).

    >>> relative("catalogue/qualifications/kuaiji/", "calculator/#title=intermediate")
    '../../../calculator/#title=intermediate'
    >>> relative("", "")
    './'
    """
    return "../" * from_url.count("/") + to_url or "./"


def output_path(url: str) -> str:
    """The file a site-relative URL is written to: folders get an ``index.html``."""
    return url + "index.html" if url == "" or url.endswith("/") else url


def normalise_base_url(base_url: str) -> str:
    """``some-repo`` or ``/some-repo`` → ``/some-repo/``; the site's path on its host."""
    parts = urlsplit(base_url)
    if parts.scheme or parts.netloc or parts.query or parts.fragment:
        raise BuildError(
            f"--base-url must be a path such as /some-repo/, not {base_url!r} "
            "(use --site-url for the full address)"
        )
    path = "/" + base_url.strip("/")
    return path if path == "/" else path + "/"


def normalise_site_url(site_url: str) -> str:
    """An absolute http(s) URL ending in ``/``: where the site is published."""
    parts = urlsplit(site_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise BuildError(
            f"--site-url must be an absolute address such as https://example.org/repo/, "
            f"not {site_url!r}"
        )
    return site_url if site_url.endswith("/") else site_url + "/"

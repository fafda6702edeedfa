"""``sitemap.xml`` and ``robots.txt``, with absolute URLs from ``--site-url``.

Written after every other page, so the sitemap lists the pages of producers too. Without
``--site-url`` the URLs point at `DEFAULT_SITE_URL` (example.invalid), which is obviously
wrong rather than silently pointing at someone else's site.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from .render import RenderContext
from .urls import DEFAULT_SITE_URL


def write_sitemap(ctx: RenderContext) -> None:
    site_url = ctx.options.site_url or DEFAULT_SITE_URL
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for url in sorted(ctx.sitemap_urls):
        lines.append(f"  <url><loc>{escape(site_url + url)}</loc></url>")
    lines.append("</urlset>")
    ctx.write_text("sitemap.xml", "\n".join(lines) + "\n")
    ctx.write_text("robots.txt", f"User-agent: *\nDisallow:\n\nSitemap: {site_url}sitemap.xml\n")

"""The core pages: home, catalogues and their entries, explainers, 404, index.json.

Each function renders one kind of page through `RenderContext.render_page`; the figures
on entry pages and in explainer tables come from the rules (the `scoring` package).
"""

from __future__ import annotations

import json

from .model import Catalogue, ContentPage, Entry, Shortcode, Site
from .pinyin import search_keys
from .render import RenderContext
from .rules import TitleWorth
from .search import SearchIndex, build_index, example_query, points_summary, short_level

CALCULATOR = "calculator/"


def core_urls(site: Site) -> list[str]:
    """Every page the core renders, known before rendering (for navigation)."""
    urls = ["", "catalogue/", "policy/", "404.html"]
    for catalogue in site.catalogues:
        urls.append(catalogue.url)
        urls.extend(entry.url for entry in catalogue.entries)
    urls.extend(page.url for page in site.pages)
    return urls


def render_core_pages(ctx: RenderContext) -> None:
    """Render every core page and data file into the output."""
    # The same few title levels serve every entry of a catalogue: score them once.
    worth = {
        catalogue.id: [ctx.rules.title_worth(value) for value in catalogue.title_levels]
        for catalogue in ctx.site.catalogues
    }
    index = build_index(ctx.site, worth)
    ctx.write_asset(index.path, index.text.encode("utf-8"))
    render_home(ctx, index)
    render_catalogue_overview(ctx, index)
    for catalogue in ctx.site.catalogues:
        render_catalogue(ctx, catalogue, worth[catalogue.id], index)
    write_catalogue_json(ctx)
    render_policy_index(ctx)
    for page in ctx.site.pages:
        render_policy_page(ctx, page)
    render_not_found(ctx)


def _search(ctx: RenderContext, index: SearchIndex, catalogue: Catalogue | None = None) -> dict:
    """What the search box template needs (templates/search_box.html)."""
    return {
        "catalogues": ctx.site.catalogues,
        "index": index.path,
        "version": index.version,
        "catalogue": catalogue,
        "example": example_query(catalogue) if catalogue else None,
    }


def render_home(ctx: RenderContext, index: SearchIndex) -> None:
    ctx.render_page(
        "", "home.html",
        title="上海居住证积分指南",
        description="上海市居住证积分的计算器、政策解读和三份官方目录。"
        "非官方网站，计算在您的浏览器中完成，填写的内容不会上传。",
        nav="home",
        catalogues=ctx.site.catalogues,
        pages=ctx.site.pages,
        threshold=ctx.rules.threshold(),
        search=_search(ctx, index),
    )


def render_catalogue_overview(ctx: RenderContext, index: SearchIndex) -> None:
    ctx.render_page(
        "catalogue/", "catalogue_overview.html",
        title="目录",
        description="与上海市居住证积分有关的官方目录："
        + "、".join(c.short_title for c in ctx.site.catalogues) + "。",
        nav="catalogue",
        catalogues=ctx.site.catalogues,
        search=_search(ctx, index),
    )


def render_catalogue(
    ctx: RenderContext, catalogue: Catalogue, worth: list[TitleWorth], index: SearchIndex
) -> None:
    """The catalogue's index page with its search box, then one page per entry."""
    notes = [ctx.site.notes[note_id] for note_id in catalogue.note_ids]
    ctx.render_page(
        catalogue.url, "catalogue.html",
        title=catalogue.title,
        description=f"{catalogue.title}（{catalogue.edition} 年版）共 {len(catalogue.entries)} 项，"
        "可按名称、拼音或拼音首字母查找。",
        nav="catalogue",
        catalogue=catalogue,
        notes=notes,
        points_summary=points_summary(worth),
        search=_search(ctx, index, catalogue),
    )
    for entry in catalogue.entries:
        render_entry(ctx, catalogue, entry, worth)


def render_entry(
    ctx: RenderContext, catalogue: Catalogue, entry: Entry, worth: list[TitleWorth]
) -> None:
    note_ids = list(dict.fromkeys([*catalogue.note_ids, *entry.notes]))
    related = [
        (ctx.site.catalogue(other.catalogue_id), other)
        for other in ctx.site.related_entries(entry)
    ]
    calculator = CALCULATOR if ctx.has_page(CALCULATOR) else None
    levels = [
        {
            "worth": item,
            "short": short_level(item),
            # Contract 1 (docs/architecture.md, "Catalogue deep link").
            "href": f"{calculator}#title={item.value}&from={entry.key}" if calculator else None,
        }
        for item in worth
    ]
    ctx.render_page(
        entry.url, "entry.html",
        title=entry.name,
        description=f"{entry.name}：《{catalogue.title}》（{catalogue.edition} 年版）"
        f"第 {entry.seq} 项。本页说明它在上海市居住证积分中可积多少分、需要满足哪些条件。",
        nav="catalogue",
        catalogue=catalogue,
        entry=entry,
        levels=levels,
        notes=[ctx.site.notes[note_id] for note_id in note_ids],
        related=related,
        calculator=calculator,
    )


def catalogue_json(ctx: RenderContext) -> dict:
    """The data of ``catalogue/index.json``: every catalogue and every entry.

    Each entry: ``catalogue`` (id), ``id``, ``seq``, ``name``, ``aliases``, ``titles``,
    ``code`` (or null), ``url`` (site-relative, e.g. ``catalogue/qualifications/kuaiji/``),
    ``pinyin`` and ``initials`` (space-separated, one per name and alias), and
    ``search_aids`` (names people use that the list does not; never the list's own names).
    """
    entries = []
    for catalogue in ctx.site.catalogues:
        for entry in catalogue.entries:
            pinyin, initials = search_keys([entry.name, *entry.aliases])
            entries.append({
                "catalogue": catalogue.id,
                "id": entry.id,
                "seq": entry.seq,
                "name": entry.name,
                "aliases": list(entry.aliases),
                "titles": list(entry.titles),
                "code": entry.code,
                "url": entry.url,
                "pinyin": pinyin,
                "initials": initials,
                "search_aids": list(entry.search_aids),
            })
    catalogues = [
        {"id": c.id, "title": c.title, "short_title": c.short_title, "edition": c.edition,
         "url": c.url}
        for c in ctx.site.catalogues
    ]
    return {"catalogues": catalogues, "entries": entries}


def write_catalogue_json(ctx: RenderContext) -> None:
    data = json.dumps(catalogue_json(ctx), ensure_ascii=False, indent=1, sort_keys=True)
    ctx.write_text("catalogue/index.json", data + "\n")


def render_policy_index(ctx: RenderContext) -> None:
    ctx.render_page(
        "policy/", "policy_index.html",
        title="政策解读",
        description="上海市居住证积分各项指标、申请流程和常见误区的解读，注明依据和核对日期。",
        nav="policy",
        pages=ctx.site.pages,
    )


def render_policy_page(ctx: RenderContext, page: ContentPage) -> None:
    def expand(shortcode: Shortcode) -> str:
        if shortcode.name == "points-table":
            table = ctx.rules.indicator_table(shortcode.args[0])
            return ctx.render_fragment("shortcodes/points_table.html", table=table)
        if shortcode.name == "documents":
            return ctx.render_fragment("shortcodes/documents.html", groups=ctx.rules.documents())
        if shortcode.name == "wage-table":
            return ctx.render_fragment("shortcodes/wage_table.html", wages=ctx.rules.wage_table())
        if shortcode.name == "interpretations":
            return ctx.render_fragment(
                "shortcodes/interpretations.html", interpretations=ctx.rules.interpretations()
            )
        return ctx.render_fragment("shortcodes/edition.html")

    body = ctx.markdown.render(page, expand)
    ctx.render_page(
        page.url, "policy_page.html",
        title=page.title,
        description=page.summary,
        nav="policy",
        content=page,
        body=body.html,
        toc=body.toc,
    )


def render_not_found(ctx: RenderContext) -> None:
    # Servers show 404.html at whatever path was asked for, so its links start from
    # the base URL instead of being relative to the page.
    ctx.render_page(
        "404.html", "404.html",
        title="页面不存在",
        description="您要找的页面不存在。",
        sitemap=False,
        absolute_links=True,
    )

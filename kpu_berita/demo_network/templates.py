"""HTML of the demo sites, per template family (pure: data in, HTML text out).

`blog` is the current KPU CMS as its page texts show it (kpu_sites.md sections 4-6): a
"Berita Terkini" list of 6 cards with an eye-icon view count, article pages with
"Ditulis Oleh: X Tanggal: d Bulan yyyy" and "Telah dilihat N kali". `blog_slug` is the same
CMS on a site with slug-only and legacy /berita/baca/ URLs, no listing views and no header
line (date only in the body). `table` is an older layout: a table of date, title, "Dibaca N".
"""
from __future__ import annotations

import datetime as dt
from html import escape

from kpu_berita.demo_network.content import WEEKDAYS_ID, DemoArticle, DemoSite
from kpu_berita.demo_network.photos import has_photo, photo_path
from kpu_berita.pipelines.dates import MONTH_LABELS_ID

PAGE_SIZE = 6


def _date_id(day: dt.date) -> str:
    return f"{day.day} {MONTH_LABELS_ID[day.month - 1]} {day.year}"


def _layout(site: DemoSite, site_name: str, title: str, main: str, sidebar: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><title>{escape(title)} - {escape(site_name)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<header class="site-header"><div class="brand"><img src="/img/logo-kpu.png" alt="logo"> {escape(site_name)}</div>
<nav class="menu"><a href="/">Beranda</a> <a href="/blog/category/{site.category_id}">Berita Terkini</a>
<a href="/blog/category/135">Opini</a> <a href="/blog/category/11">Pengumuman</a> <a href="/blog/category/14">Umum</a></nav></header>
<div class="container"><div class="row"><div class="col-main">{main}</div>
<div class="col-side"><div class="widget"><h5>Berita Terbaru</h5><ul>{sidebar}</ul></div></div></div></div>
<footer class="site-footer">&copy; {escape(site_name)} | <a href="https://www.kpu.go.id">KPU RI</a>
<a href="https://www.facebook.com/kpu">Facebook</a></footer>
</body></html>"""


def _sidebar(site: DemoSite) -> str:
    return "".join(f'<li><a href="{a.path}">{escape(a.title)}</a></li>' for a in site.articles[:5])


def _excerpt(article: DemoArticle) -> str:
    text = " ".join(article.body.split())
    return escape(text[:300].rsplit(" ", 1)[0] + " ....")


def _pagination(site: DemoSite, page: int, pages: int) -> str:
    def link(n, label):
        return f'<li><a href="/index.php/blog/category/{site.category_id}?page={n}">{label}</a></li>'
    links = [link(n, str(n)) for n in range(max(1, page - 2), min(pages, page + 2) + 1)]
    if page < pages:
        links.append(link(page + 1, "&raquo;"))
        links.append(link(pages, "Akhir"))
    return f'<ul class="pagination">{"".join(links)}</ul>'


def listing_page(site: DemoSite, site_name: str, page: int, views) -> str:
    """Page `page` (1-based) of the Berita Terkini list; past the end, an empty list."""
    pages = max(1, -(-len(site.articles) // PAGE_SIZE))
    chunk = site.articles[(page - 1) * PAGE_SIZE: page * PAGE_SIZE] if page >= 1 else ()
    if site.template == "table":
        rows = "".join(
            f'<tr><td class="tgl">{a.published.day:02d}/{a.published.month:02d}/{a.published.year}</td>'
            f'<td><a href="{a.path}">{escape(a.title)}</a></td><td class="hits">Dibaca {views(a)}</td></tr>'
            for a in chunk)
        main = (f'<h3>Berita Terkini</h3><table class="table table-striped"><thead><tr><th>Tanggal</th>'
                f'<th>Judul</th><th>Dibaca</th></tr></thead><tbody>{rows}</tbody></table>{_pagination(site, page, pages)}')
    else:
        cards = []
        for a in chunk:
            count = ("" if site.template == "blog_slug"
                     else f'<div class="meta"><span class="views"><i class="fa fa-eye"></i> {views(a)}</span></div>')
            cards.append(f'<div class="col-md-12"><div class="card blog-item"><div class="card-body">{count}'
                         f'<h4 class="card-title"><a href="{a.path}">{escape(a.title)}</a></h4>'
                         f'<p class="card-text">{_excerpt(a)}</p>'
                         f'<a class="btn btn-link" href="{a.path}">Selengkapnya</a></div></div></div>')
        main = (f'<h2 class="page-title">Berita Terkini</h2><div class="row blog-list">{"".join(cards)}</div>'
                f'{_pagination(site, page, pages)}')
    return _layout(site, site_name, "Berita Terkini", main, _sidebar(site))


def article_page(site: DemoSite, site_name: str, article: DemoArticle, views: int) -> str:
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in article.body.split("\n\n"))
    photo = has_photo(site.template, article.article_id)
    if photo and site.template == "table":  # no og:image on this older template: the photo opens the body
        paragraphs = f'<p class="foto"><img src="{photo_path(article.article_id)}" alt=""></p>' + paragraphs
    if site.template == "table":
        day = article.published
        header = (f'<div class="info">Diposting: {WEEKDAYS_ID[day.weekday()]}, {_date_id(day)} oleh Admin</div>')
        footer = f'<div class="hits">Dibaca {views} kali</div>'
    else:
        header = ("" if site.template == "blog_slug" else
                  f'<div class="post-meta">Ditulis Oleh: {escape(article.author)} Tanggal: {_date_id(article.published)}</div>')
        footer = (f'<div class="share">Bagikan: <a href="https://www.facebook.com/sharer/sharer.php?u={article.path}">facebook</a> '
                  f'<a href="https://twitter.com/intent/tweet?url={article.path}">twitter</a> '
                  f'<a href="https://api.whatsapp.com/send?text={article.path}">whatapps</a></div>'
                  f'<div class="views">Telah dilihat {views} kali</div>')
    main = (f'<div class="breadcrumb"><a href="/">Beranda</a> / <a href="/blog/category/{site.category_id}">Berita</a></div>'
            f'<article><h1 class="post-title">{escape(article.title)}</h1>{header}'
            f'<div class="post-content">{paragraphs}</div>{footer}</article>')
    html = _layout(site, site_name, article.title, main, _sidebar(site))
    og_image = (f'<meta property="og:image" content="{photo_path(article.article_id)}">'
                if photo and site.template == "blog" else "")
    return html.replace("<head>", f'<head><meta property="og:title" content="{escape(article.title)}">{og_image}', 1)


def home_page(site: DemoSite, site_name: str) -> str:
    cards = "".join(f'<div class="card"><a href="{a.path}">{escape(a.title)}</a><p>{_excerpt(a)}</p></div>'
                    for a in site.articles[:3])
    return _layout(site, site_name, "Beranda", f"<h2>Selamat datang</h2>{cards}", _sidebar(site))

"""Popups and every other piece of article text, made safe for the map page.

Everything that comes from an article (titles, URLs, excerpts, place names) is untrusted: it is
escaped here, once, by `_escape`, before it reaches any HTML or JavaScript. `_escape` also
neutralises backtick, `$` and backslash, so the text stays inert in a JS template literal too.
It then reaches the page only as data (see `geo.maps.elements`), never through Jinja.
"""
from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from geo.maps.places import FEATURE_WORDS, ArticleExcerpts, PlaceSummary
from geo.types import Document

# --- escaping -------------------------------------------------------------------------------

_JS_TEMPLATE_CHARS = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def _escape(text: str) -> str:
    """HTML-escape untrusted text, also safe inside the JS template literals folium writes."""
    return html.escape(text, quote=True).translate(_JS_TEMPLATE_CHARS)


def _safe_url(url: str) -> str | None:
    """The URL if it is an absolute http(s) URL, else None: never link `javascript:` and co."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


# --- popup ------------------------------------------------------------------------------------

def popup_head(summary: PlaceSummary) -> str:
    """The popup's heading: the name as written, then the gazetteer name when it differs,
    country, kind and mention count."""
    place = summary.place
    facts = [place.country_code, FEATURE_WORDS.get(place.feature_code, place.feature_code)]
    count = f"{summary.mentions} mention" + ("s" if summary.mentions != 1 else "")
    also = summary.gazetteer_name
    meta = " · ".join(_escape(f) for f in [also and f"gazetteer: {also}", *facts, count] if f)
    return (f'<div class="geo-place"{_rtl(summary.label)}>{_escape(summary.label)}</div>'
            f'<div class="geo-meta">{meta}</div>')


RTL_LANGUAGES = frozenset({"ar", "fa", "ur", "he"})
_RTL_LETTER = re.compile(r"[\u0590-\u08ff]")


def _rtl(text: str, lang: str = "") -> str:
    """` dir="rtl"` for Arabic (or Hebrew) text, so it reads right to left; "" otherwise."""
    return ' dir="rtl"' if lang in RTL_LANGUAGES or (not lang and _RTL_LETTER.search(text)) else ""


def popup_html(summary: PlaceSummary) -> str:
    """The whole popup (the map assembles the same from `popup_head`, `_article_title` and
    `_excerpts_html`, leaving out the articles outside the chosen period)."""
    articles = "".join(
        '<div class="geo-article"><div class="geo-title">' + _article_title(a.document)
        + _date_html(_day(a.document.date)) + "</div>" + _excerpts_html(a) + "</div>"
        for a in summary.articles.values()
    )
    return (f'<div class="geo-popup">{popup_head(summary)}'
            f'<div class="geo-articles">{articles}</div></div>')


def _day(date: str) -> str:
    """The day of an ISO 8601 date or time ("2024-03-05T08:30:00Z" -> "2024-03-05"); "" if none."""
    return date[:10] if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date[:10] or "") else ""


def _date_html(day: str) -> str:
    return f' <span class="geo-date">{_escape(day)}</span>' if day else ""


def _article_title(doc: Document) -> str:
    title = _escape(doc.title or doc.id)
    url = _safe_url(doc.url)
    if url:
        title = f'<a href="{_escape(url)}" target="_blank" rel="noopener noreferrer">{title}</a>'
    return title


def _excerpts_html(article: ArticleExcerpts) -> str:
    return "".join(
        f'<p class="geo-excerpt"{_rtl(e.text, article.document.lang)}>{_escape(e.before)}<mark>{_escape(e.highlight)}</mark>'
        f"{_escape(e.after)}</p>"
        for e in article.excerpts
    )

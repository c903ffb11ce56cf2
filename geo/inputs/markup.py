"""Markup inputs (HTML pages, Markdown files) -> the plain text geo parses.

The text produced here *is* the `Document.text`: every offset geo reports is into it, so
nothing needs mapping back to the markup. Both converters take the text in pieces (the
reader streams files of any size) and keep only what a reader of the page would see.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser

# Content no reader sees: dropped with everything inside.
SKIPPED = {"script", "style", "noscript", "template", "svg", "math", "iframe", "object"}
# Elements that start a new line ...
BLOCKS = {
    "address", "article", "aside", "body", "dd", "div", "dl", "dt", "fieldset", "figcaption",
    "figure", "footer", "form", "header", "hr", "li", "main", "nav", "ol", "section", "td",
    "th", "tr", "ul", "caption", "details", "summary",
}
# ... and those that stand apart as a paragraph.
PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table"}
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # not \s: a no-break space is text, not layout


class HtmlText(HTMLParser):
    """Streaming HTML -> text: `extract(pieces)` yields text as the markup arrives.

    The fallback reader, for what trafilatura finds no article in (fragments, pages too large
    for it): every word a reader of the page would see, in order. Metadata (title, URL, date)
    is trafilatura's business (`web.page_metadata`).
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._skip = 0  # depth inside SKIPPED elements
        self._title = False  # inside <title>: metadata, not text
        self._pre = 0
        self._out: list[str] = []
        self._wrote = False  # any text yet (no line breaks before the first word)
        self._break = 0  # line breaks owed before the next text
        self._space = False  # a space owed before the next text

    def extract(self, pieces: Iterable[str]) -> Iterator[str]:
        for piece in pieces:
            self.feed(piece)
            if self._out:
                yield self._take()
        self.close()
        if self._out:
            yield self._take()

    def _take(self) -> str:
        text, self._out = "".join(self._out), []
        return text

    # -- parser callbacks ------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self._skip += 1
        elif self._skip:
            return
        elif tag == "title":
            self._title = True
        elif tag == "br":
            self._break = min(2, self._break + 1)
        elif tag == "pre":
            self._pre += 1
        self._block(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SKIPPED:  # <svg/> opens nothing
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self._skip = max(0, self._skip - 1)
            return
        if self._skip:
            return
        if tag == "title":
            self._title = False
        elif tag == "pre":
            self._pre = max(0, self._pre - 1)
        self._block(tag)

    def handle_data(self, data: str) -> None:
        if self._skip or self._title:
            return
        if self._pre:
            self._emit(data)
            return
        squashed = _HTML_SPACE.sub(" ", data)
        if squashed.startswith(" "):
            self._space = True
        word = squashed.strip(" ")
        if word:
            self._emit(word)
            self._space = squashed.endswith(" ")

    def parse_marked_section(self, i: int, report: int = 1) -> int:
        """`<![foo ...]>` makes the stdlib parser raise AssertionError; skip it like a comment."""
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            j = self.rawdata.find(">", i)
            return -1 if j < 0 else j + 1

    # -- helpers ---------------------------------------------------------------------------

    def _emit(self, text: str) -> None:
        if self._wrote and self._break:
            self._out.append("\n" * self._break)
        elif self._wrote and self._space:
            self._out.append(" ")
        self._out.append(text)
        self._wrote = True
        self._break, self._space = 0, False

    def _block(self, tag: str) -> None:
        if tag in PARAGRAPHS:
            self._break = 2
        elif tag in BLOCKS:
            self._break = max(self._break, 1)


def web_url(url: str) -> str:
    """Only http(s) URLs become a document's link: a page cannot smuggle `javascript:` in."""
    url = url.strip()
    return url if re.match(r"https?://", url, re.IGNORECASE) else ""


# -- Markdown --------------------------------------------------------------------------------

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+|$)")
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")
_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")  # setext heading underline
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}(?:>[ \t]?)+")
_LIST = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*\S")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_LINK = re.compile(r"\[([^\]\n]*)\](?:\([^)\n]*\)|\[[^\]\n]*\])")
_AUTOLINK = re.compile(r"<(?:https?|mailto|ftp):[^>\s]*>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>\n]*)?/?>")
_CODE = re.compile(r"(`+)([^`\n]+?)\1")
_STRONG_EM = re.compile(r"(\*{1,3}|~~)(?=\S)(.{1,500}?)(?<=\S)\1|(?<!\w)(_{1,3})(?=\S)(.{1,500}?)(?<=\S)\3(?!\w)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])")


class MarkdownText:
    """Markdown -> text, a line at a time: the light markup goes, the words stay.

    Headings, emphasis, links (their text is kept), images, code fences (dropped: code is not
    prose), list and quote markers, rules and reference definitions. `title` is the first
    heading. Stateful only across fences, so it converts a long file chunk by chunk.
    """

    def __init__(self) -> None:
        self.title = ""
        self._fence = ""

    def convert(self, text: str) -> str:
        lines = text.split("\n")
        out = []
        for line in lines:
            fence = _FENCE.match(line)
            if self._fence:
                if fence and fence.group(1)[0] == self._fence:
                    self._fence = ""
                continue
            if fence:
                self._fence = fence.group(1)[0]
                continue
            if _UNDERLINE.match(line) and out and out[-1].strip():
                self.title = self.title or out[-1].strip()
                out.append("")
                continue
            if _RULE.match(line) or _REFERENCE.match(line):
                out.append("")
                continue
            heading = _HEADING.match(line)
            if heading:
                line = _inline(_CLOSING_HASHES.sub("", line[heading.end():]))
                self.title = self.title or line.strip()
            else:
                line = _inline(_LIST.sub("", _QUOTE.sub("", line)))
            out.append(line)
        return "\n".join(out)


def _inline(line: str) -> str:
    line = _IMAGE.sub("", line)
    line = _LINK.sub(r"\1", line)
    line = _AUTOLINK.sub("", line)
    line = _TAG.sub("", line)
    line = _CODE.sub(r"\2", line)
    for _ in range(3):  # nested emphasis: ***a** b*
        new = _STRONG_EM.sub(lambda m: m.group(2) if m.group(2) is not None else m.group(4), line)
        if new == line:
            break
        line = new
    return _ESCAPE.sub(r"\1", line)

"""PDF reports (pypdf) -> one document per page with text, titled "Report title, p. 3".

A PDF gives one text per page, so that every excerpt can say its page (`report#p3`). A PDF
whose pages hold no text at all is a scan: that is an error ("no text layer"), not an empty
result.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from geo.errors import InputError, first_line
from geo.inputs.dates import from_pdf
from geo.inputs.limits import DEFAULT, Limits
from geo.inputs.markup import web_url
from geo.inputs.reports import Report, one_line
from geo.inputs.splitting import split
from geo.types import Document

_HYPHEN_BREAK = re.compile(r"(?<=\w-)\n(?=\w)")
_LINE_BREAK = re.compile(r"[ \t]*\n[ \t]*")
_PARA_BREAK = re.compile(r"[ \t]*\n(?:[ \t]*\n)+[ \t]*")


def pdf_documents(
    stream: BinaryIO, base: str, name: str, url: str = "", limits: Limits = DEFAULT,
) -> Iterator[Document]:
    """One document per page with text (`base#p3`, "Title, p. 3"); a long page in several."""
    report = read_pdf(stream, name, limits)
    meta = dict(url=web_url(url), date=report.date, author=report.author)
    label = report.title or Path(urlsplit(name).path).name or name
    for number, text in enumerate(report.pages, start=1):
        if not text.strip():
            continue
        chunks = [chunk for chunk, _ in split([text], articles=False)]
        for k, chunk in enumerate(chunks, start=1):
            doc_id = f"{base}#p{number}" + (f".{k}" if len(chunks) > 1 else "")
            yield Document(id=doc_id, text=chunk, title=f"{label}, p. {number}", source=name, **meta)


def read_pdf(stream: BinaryIO, name: str, limits: Limits = DEFAULT) -> Report:
    """Every page's text (pages without text give ""), the title and creation date.

    A PDF of more than `limits.pdf_pages` pages is refused before its pages are walked (by its
    declared count, then by the pages really found). A page that draws nothing is blank, and
    extracting its text is skipped: a PDF whose pages are all blank is "empty", one whose pages
    draw something but hold no text is a scan."""
    import pypdf
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # it warns about every quirk of a file
    try:
        reader = pypdf.PdfReader(stream)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{name}: the PDF is encrypted (a password is needed to read it)")
        info = reader.metadata or {}
        report = Report(
            title=one_line(info.get("/Title")), date=from_pdf(info.get("/CreationDate")),
            author=one_line(info.get("/Author")),
        )
        _check_page_count(_declared_pages(reader), name, limits)
        marked = 0
        for number, page in enumerate(reader.pages, start=1):
            _check_page_count(number, name, limits)
            if _blank(page):
                report.pages.append("")
                continue
            marked += 1
            report.pages.append(_reflow(page.extract_text() or ""))
    except InputError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError,
            RecursionError, NotImplementedError) as exc:  # a damaged or unusual file
        raise InputError(f"{name}: not a readable PDF: {first_line(exc)}") from None
    if not report.pages:
        raise InputError(f"{name}: the PDF has no pages")
    if not marked:
        count = len(report.pages)
        raise InputError(f"{name}: the PDF is empty: its {count:,} page{'s' if count != 1 else ''} "
                         f"hold{'s' if count == 1 else ''} no text and no images")
    if not any(page.strip() for page in report.pages):
        raise InputError(f"{name}: no text layer: scanned? ({marked:,} page"
                         f"{'s' if marked != 1 else ''} of images; run OCR first, "
                         "e.g. ocrmypdf, then read the result)")
    return report


def _declared_pages(reader) -> int:
    """The page count the PDF's page tree declares (walking the tree itself takes long)."""
    try:
        count = reader.trailer["/Root"]["/Pages"].get("/Count", 0)
        return int(count) if isinstance(count, (int, float)) else 0
    except (KeyError, TypeError, AttributeError, ValueError):
        return 0  # damage: the walk will tell


def _check_page_count(count: int, name: str, limits: Limits) -> None:
    if count > limits.pdf_pages:
        raise InputError(f"{name}: the PDF has more than {limits.pdf_pages:,} pages (see --max-pdf-pages)")


def _blank(page) -> bool:
    """Whether a page draws nothing at all: no content stream, or one of whitespace only."""
    if page.get("/Contents") is None:
        return True
    contents = page.get_contents()
    return contents is None or not contents.get_data().strip()


def _reflow(text: str) -> str:
    """PDF text comes a printed line at a time: join the lines of a paragraph (a line break is
    not the end of a sentence), keep blank lines as paragraph breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _PARA_BREAK.sub("\n\n", text.strip())
    paragraphs = [_LINE_BREAK.sub(" ", _HYPHEN_BREAK.sub("", p)) for p in text.split("\n\n")]
    return "\n\n".join(p.strip() for p in paragraphs if p.strip())

"""Reports: PDF (pypdf) and Word .docx (python-docx) -> text, with their titles and dates.

A PDF gives one text per page, so that every excerpt can say its page (the reader makes each
page a document `report#p3`, titled "Report title, p. 3"). A PDF whose pages hold no text at
all is a scan: that is an error ("no text layer"), not an empty result. A .docx gives its
paragraphs (and table cells) in order, a blank line apart; Word files have no fixed pages.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from geo.errors import InputError, first_line
from geo.inputs.dates import any_date, from_pdf

log = logging.getLogger(__name__)

_HYPHEN_BREAK = re.compile(r"(?<=\w-)\n(?=\w)")
_LINE_BREAK = re.compile(r"[ \t]*\n[ \t]*")
_PARA_BREAK = re.compile(r"[ \t]*\n(?:[ \t]*\n)+[ \t]*")


@dataclass
class Report:
    """A report's metadata and its text, page by page (`pages[k]` is page k+1; a Word file
    is one "page")."""

    title: str = ""
    date: str = ""
    author: str = ""
    pages: list[str] = field(default_factory=list)


def read_pdf(stream: BinaryIO, name: str) -> Report:
    """Every page's text (pages without text give ""), the title and creation date."""
    import pypdf
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # it warns about every quirk of a file
    try:
        reader = pypdf.PdfReader(stream)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{name}: the PDF is encrypted (a password is needed to read it)")
        info = reader.metadata or {}
        report = Report(
            title=_one_line(info.get("/Title")), date=from_pdf(info.get("/CreationDate")),
            author=_one_line(info.get("/Author")),
        )
        for page in reader.pages:
            report.pages.append(_reflow(page.extract_text() or ""))
    except InputError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError,
            RecursionError, NotImplementedError) as exc:  # a damaged or unusual file
        raise InputError(f"{name}: not a readable PDF: {first_line(exc)}") from None
    if not report.pages:
        raise InputError(f"{name}: the PDF has no pages")
    if not any(page.strip() for page in report.pages):
        raise InputError(f"{name}: no text layer: scanned? ({len(report.pages)} page"
                         f"{'s' if len(report.pages) != 1 else ''} of images; run OCR first, "
                         "e.g. ocrmypdf, then read the result)")
    return report


def read_docx(stream: BinaryIO, name: str) -> Report:
    """The paragraphs and table cells of a Word document, in order, with its title and date."""
    import zipfile

    import docx
    from docx.opc.exceptions import OpcError, PackageNotFoundError

    try:
        document = docx.Document(stream)
        props = document.core_properties
        blocks = list(_blocks(document))
        report = Report(title=_one_line(props.title), date=any_date(props.created),
                        author=_one_line(props.author))
    except (PackageNotFoundError, OpcError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"{name}: not a readable Word .docx file: {first_line(exc)}") from None
    if not report.title:
        report.title = next((text for text, heading in blocks if heading), "")
    report.pages = ["\n\n".join(text for text, _ in blocks)]
    return report


def _blocks(document) -> Iterator[tuple[str, bool]]:
    """(text, is_heading) of each non-empty paragraph and table cell, in document order."""
    from docx.table import Table

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell appears once per grid column
                        continue
                    seen.add(id(cell._tc))
                    for paragraph in cell.paragraphs:
                        if paragraph.text.strip():
                            yield paragraph.text.strip(), False
        elif block.text.strip():
            style = (block.style.name if block.style is not None else "") or ""
            yield block.text.strip(), style.startswith(("Heading", "Title"))


def _reflow(text: str) -> str:
    """PDF text comes a printed line at a time: join the lines of a paragraph (a line break is
    not the end of a sentence), keep blank lines as paragraph breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _PARA_BREAK.sub("\n\n", text.strip())
    paragraphs = [_LINE_BREAK.sub(" ", _HYPHEN_BREAK.sub("", p)) for p in text.split("\n\n")]
    return "\n\n".join(p.strip() for p in paragraphs if p.strip())


def _one_line(value: object) -> str:
    return " ".join(str(value).split()) if value else ""

"""Word .docx reports (python-docx) -> one document (several when long), with title and date.

A .docx gives its paragraphs (and table cells) in order, a blank line apart; Word files have
no fixed pages.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from geo.errors import InputError, first_line
from geo.inputs.dates import any_date
from geo.inputs.markup import web_url
from geo.inputs.reports import Report, one_line
from geo.inputs.splitting import documents, guess_title, split
from geo.types import Document


def docx_documents(stream: BinaryIO, base: str, name: str, url: str = "") -> Iterator[Document]:
    """The Word file's text as one document (`base`), or `base#1`, `base#2`, ... when long."""
    report = read_docx(stream, name)
    yield from documents(split(report.pages, articles=False), base, name,
                         lambda text: report.title or guess_title(text),
                         url=web_url(url), date=report.date, author=report.author)


def read_docx(stream: BinaryIO, name: str) -> Report:
    """The paragraphs and table cells of a Word document, in order, with its title and date."""
    import zipfile

    import docx
    from docx.opc.exceptions import OpcError, PackageNotFoundError

    try:
        document = docx.Document(stream)
        props = document.core_properties
        blocks = list(_blocks(document))
        report = Report(title=one_line(props.title), date=any_date(props.created),
                        author=one_line(props.author))
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

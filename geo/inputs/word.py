"""Word .docx reports (python-docx) -> one document (several when long), with title and date.

A .docx gives its paragraphs (and table cells) in order, a blank line apart; Word files have
no fixed pages. A .docx is a zip archive, so a few hundred KB may inflate to gigabytes (a
decompression bomb): before python-docx sees the file, every member's declared size and the
bytes it actually inflates to are checked against the limits while they are read, and
malformed XML inside is one clear error like any other damage.
"""
from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from geo.errors import InputError, first_line
from geo.inputs.dates import any_date
from geo.inputs.limits import DEFAULT, Limits
from geo.inputs.markup import web_url
from geo.inputs.reports import Report, one_line
from geo.inputs.splitting import documents, guess_title, split
from geo.types import Document


def docx_documents(
    stream: BinaryIO, base: str, name: str, url: str = "", limits: Limits = DEFAULT,
) -> Iterator[Document]:
    """The Word file's text as one document (`base`), or `base#1`, `base#2`, ... when long."""
    report = read_docx(stream, name, limits)
    yield from documents(split(report.pages, articles=False), base, name,
                         lambda text: report.title or guess_title(text),
                         url=web_url(url), date=report.date, author=report.author)


def read_docx(stream: BinaryIO, name: str, limits: Limits = DEFAULT) -> Report:
    """The paragraphs and table cells of a Word document, in order, with its title and date."""
    import docx
    from docx.opc.exceptions import OpcError, PackageNotFoundError
    from lxml.etree import LxmlError

    try:
        check_inflated(stream, name, limits)
        stream.seek(0)
        document = docx.Document(stream)
        props = document.core_properties
        blocks = list(_blocks(document))
        report = Report(title=one_line(props.title), date=any_date(props.created),
                        author=one_line(props.author))
    except InputError:
        raise
    except (PackageNotFoundError, OpcError, zipfile.BadZipFile, zipfile.LargeZipFile, LxmlError, KeyError,
            ValueError, TypeError, AttributeError, IndexError, RecursionError, NotImplementedError, EOFError,
            OSError, zlib.error, RuntimeError) as exc:  # damage, malformed XML, an encrypted member (RuntimeError)
        raise InputError(f"{name}: not a readable Word .docx file: {first_line(exc)}") from None
    if not report.title:
        report.title = next((text for text, heading in blocks if heading), "")
    report.pages = ["\n\n".join(text for text, _ in blocks)]
    return report


def check_inflated(stream: BinaryIO, name: str, limits: Limits = DEFAULT) -> None:
    """InputError unless the archive has at most `zip_members` members, each XML member (what
    gets parsed whole) inflating to at most `text_bytes` and all members together (pictures
    too, which python-docx holds in memory) to at most `report_bytes`: the declared sizes
    first, then the bytes each member really inflates to, counted while they stream through
    (never more than a block in memory), since a declared size can lie."""
    bomb = "(a decompression bomb?); see --max-text-bytes, --max-report-bytes"
    with zipfile.ZipFile(stream) as archive:
        members = archive.infolist()
        if len(members) > limits.zip_members:
            raise InputError(f"{name}: {len(members):,} members in the Word file, more than the "
                             f"{limits.zip_members:,} allowed (see --max-zip-members)")
        declared = 0
        for info in members:
            declared += info.file_size
            if info.file_size > _cap(info, limits) or declared > limits.report_bytes:
                raise InputError(f"{name}: {info.filename} inflates to more than the limit {bomb}")
        total = 0
        for info in members:
            size, cap = 0, _cap(info, limits)
            with archive.open(info) as member:
                while block := member.read(1 << 20):
                    size += len(block)
                    total += len(block)
                    if size > cap or total > limits.report_bytes:
                        raise InputError(f"{name}: {info.filename} inflates to more than the limit {bomb}")


def _cap(info: zipfile.ZipInfo, limits: Limits) -> int:
    """What one member may inflate to: XML (parsed whole) the text limit, the rest the total."""
    return limits.text_bytes if info.filename.lower().endswith((".xml", ".rels")) else limits.report_bytes


def _blocks(document) -> Iterator[tuple[str, bool]]:
    """(text, is_heading) of each non-empty paragraph and table cell, in document order."""
    from docx.table import Table

    # A paragraph's `style` looks through every style of the file each time (seconds for a few
    # thousand paragraphs): its style id is looked up in this table, made once.
    headings = {style.style_id: (style.name or "").startswith(("Heading", "Title")) for style in document.styles}

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell appears once per grid column
                        continue
                    seen.add(id(cell._tc))
                    for paragraph in cell.paragraphs:
                        text = paragraph.text.strip()  # each `.text` walks the runs again: once
                        if text:
                            yield text, False
        else:
            text = block.text.strip()
            if text:
                yield text, headings.get(block._p.style or "", False)

"""Small real files for the input tests: PDFs written by hand, Word files by python-docx."""
from __future__ import annotations

import io


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def make_pdf(pages: list[list[str] | None], *, title: str = "", created: str = "") -> bytes:
    """A PDF with one page per item: its lines of text in Helvetica, or (None) only a grey box,
    as a scanned page without a text layer shows to a text extractor."""
    objects: list[str] = []

    def add(body: str) -> int:
        objects.append(body)
        return len(objects)

    catalog = add("")  # filled in below
    pages_obj = add("")
    font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    kids = []
    for lines in pages:
        if lines is None:
            stream = "0.5 g 72 72 400 600 re f"
        else:
            stream = "BT /F1 11 Tf 14 TL 72 720 Td " + " ".join(f"{_pdf_string(line)} Tj T*" for line in lines) + " ET"
        content = add(f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream")
        kids.append(add(f"<< /Type /Page /Parent {pages_obj} 0 R /MediaBox [0 0 612 792] "
                        f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>"))
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_obj} 0 R >>"
    objects[pages_obj - 1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    info_items = []
    if title:
        info_items.append(f"/Title {_pdf_string(title)}")
    if created:
        info_items.append(f"/CreationDate {_pdf_string(created)}")
    info = add("<< " + " ".join(info_items) + " >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R /Info {info} 0 R >>\n"
              f"startxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def make_docx(paragraphs: list[str], *, heading: str = "", title: str = "", created=None,
              table: list[list[str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    if heading:
        document.add_heading(heading, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for i, row in enumerate(table):
            for j, cell in enumerate(row):
                t.cell(i, j).text = cell
    props = document.core_properties
    props.title = title
    if created is not None:
        props.created = created
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Ledger World</title><link>https://ledger.example/</link>
<description>World news</description>
<item><title>Floods cut roads around Valencia</title><link>{base}/news</link>
<pubDate>Wed, 30 Oct 2024 07:15:00 +0100</pubDate>
<description>&lt;p&gt;Rescuers searched &lt;b&gt;Paiporta&lt;/b&gt; for the missing.&lt;/p&gt;</description></item>
<item><title>Aid convoy reaches Kharkiv</title><link>{base}/wire</link>
<pubDate>Tue, 14 Feb 2023 09:30:00 GMT</pubDate>
<description>Trucks set out from Lviv.</description></item>
<item><title>Harbour reopens in Gdansk</title><link>{base}/missing</link>
<description>Ferries to Karlskrona resumed.</description></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>urn:wire</id><updated>2023-02-15T00:00:00Z</updated>
<entry><title>Aid convoy reaches Kharkiv</title><id>urn:1</id><link href="https://wire.example/kharkiv"/>
<published>2023-02-14T09:30:00+02:00</published><updated>2023-02-15T10:00:00Z</updated>
<content type="html">&lt;p&gt;Trucks from &lt;i&gt;Lviv&lt;/i&gt; reached Kharkiv.&lt;/p&gt;</content></entry>
</feed>
"""


def swap_docx_member(data: bytes, member: str, chunks, *, extra: dict | None = None) -> bytes:
    """A copy of the .docx `data` whose `member` holds the byte strings of `chunks` (streamed
    in, so a member of hundreds of MB never sits in memory here), plus `extra` members."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == member:
                with dst.open(member, "w", force_zip64=True) as handle:
                    for chunk in chunks:
                        handle.write(chunk)
            else:
                dst.writestr(info, src.read(info))
        for name, body in (extra or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


def docx_xml(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f'<w:body>{body}</w:body></w:document>').encode()

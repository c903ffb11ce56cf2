"""PDF and Word reports: text per page, titles and dates, and a clear error for scans."""
import io
from datetime import datetime, timezone

import pytest
from makers import make_docx, make_pdf

from geo.errors import InputError
from geo.inputs.dates import any_date, from_pdf
from geo.inputs.read import read_inputs


def test_a_pdf_gives_one_document_per_page_with_text(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(make_pdf([
        ["Situation report", "Shelling was reported near Aleppo on Monday and in the", "villages west of Idlib."],
        None,  # a page with only a figure: no document, but the numbering goes on
        ["Aid convoys reached Homs and Hama."],
    ], title="Syria situation report 12", created="D:20240305083000+01'00'"))
    docs = list(read_inputs([path]))
    assert [d.id for d in docs] == ["report#p1", "report#p3"]
    assert [d.title for d in docs] == ["Syria situation report 12, p. 1", "Syria situation report 12, p. 3"]
    assert {d.date for d in docs} == {"2024-03-05T08:30:00+01:00"}
    # printed lines are joined: a line break is not the end of a sentence
    assert docs[0].text == ("Situation report Shelling was reported near Aleppo on Monday and in the "
                            "villages west of Idlib.")
    assert docs[1].text == "Aid convoys reached Homs and Hama."


def test_a_pdf_without_a_title_is_named_by_its_file(tmp_path):
    path = tmp_path / "brief.pdf"
    path.write_bytes(make_pdf([["Talks in Geneva."]]))
    (doc,) = read_inputs([path])
    assert (doc.id, doc.title, doc.date) == ("brief#p1", "brief.pdf, p. 1", "")


def test_a_scanned_pdf_is_a_clear_error_not_an_empty_result(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf([None, None]))
    with pytest.raises(InputError, match=r"scan\.pdf: no text layer: scanned\?"):
        list(read_inputs([path]))
    (doc,) = read_inputs([path], on_error="skip")
    assert doc.id == "scan" and "no text layer" in doc.error


@pytest.mark.parametrize("data, message", [
    (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF", "not a readable PDF"),
    (b"%PDF-1.4\n" + bytes(range(256)) * 4, "not a readable PDF"),
])
def test_a_broken_pdf_is_one_clear_error(tmp_path, data, message):
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)
    with pytest.raises(InputError) as err:
        list(read_inputs([path]))
    assert str(err.value).startswith(f"{path}: ") and "\n" not in str(err.value)


def test_a_docx_gives_its_paragraphs_tables_title_and_date(tmp_path):
    path = tmp_path / "memo.docx"
    path.write_bytes(make_docx(
        ["Flooding closed the road between Tartous and Latakia.", "", "Teams were sent to Baniyas."],
        heading="Coastal floods", created=datetime(2024, 3, 5, 8, 30, tzinfo=timezone.utc),
        table=[["Town", "Families"], ["Jableh", "120"]],
    ))
    (doc,) = read_inputs([path])
    assert doc.id == "memo" and doc.title == "Coastal floods"
    assert doc.date == "2024-03-05T08:30:00+00:00"
    assert doc.text == ("Coastal floods\n\nFlooding closed the road between Tartous and Latakia.\n\n"
                        "Teams were sent to Baniyas.\n\nTown\n\nFamilies\n\nJableh\n\n120")


def test_docx_title_from_properties_and_broken_docx(tmp_path):
    path = tmp_path / "a.docx"
    path.write_bytes(make_docx(["In Oslo."], title="Nordic brief"))
    (doc,) = read_inputs([path])
    assert doc.title == "Nordic brief"
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match="bad.docx: not a readable Word .docx file"):
        list(read_inputs([bad]))


def test_reports_are_found_in_folders_and_sniffed_on_stdin(tmp_path):
    (tmp_path / "r.pdf").write_bytes(make_pdf([["In Oslo."]]))
    (tmp_path / "w.docx").write_bytes(make_docx(["In Rome."]))
    assert [(d.id, d.text) for d in read_inputs([tmp_path])] == [("r#p1", "In Oslo."), ("w", "In Rome.")]
    (doc,) = read_inputs(["-"], stdin=io.BytesIO(make_pdf([["In Bern."]])))
    assert (doc.id, doc.text) == ("stdin#p1", "In Bern.")


@pytest.mark.parametrize("value, iso", [
    ("D:20240305", "2024-03-05"),
    ("D:20240305083000Z", "2024-03-05T08:30:00+00:00"),
    ("D:20240305083000-05'00'", "2024-03-05T08:30:00-05:00"),
    ("D:2024", ""),  # a year is no date
    ("D:20241305", ""),
    ("garbage", ""),
])
def test_pdf_dates(value, iso):
    assert from_pdf(value) == iso


@pytest.mark.parametrize("value, iso", [
    ("2024-03-05", "2024-03-05"),
    ("2024-03-05T08:30:00Z", "2024-03-05T08:30:00+00:00"),
    ("Tue, 05 Mar 2024 08:30:00 +0100", "2024-03-05T08:30:00+01:00"),
    (datetime(2024, 3, 5, 8, 30), "2024-03-05T08:30:00"),
    ("next Tuesday", ""),
    (None, ""),
])
def test_any_date(value, iso):
    assert any_date(value) == iso


def blank_pdf(pages: int) -> bytes:
    import pypdf

    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=72, height=72)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_of_blank_pages_is_empty_not_a_scan(tmp_path):
    path = tmp_path / "blank.pdf"
    path.write_bytes(blank_pdf(3))
    with pytest.raises(InputError) as err:
        list(read_inputs([path]))
    assert str(err.value) == f"{path}: the PDF is empty: its 3 pages hold no text and no images"


def test_a_pdf_over_the_page_limit_is_refused_before_its_pages_are_read(tmp_path):
    from geo.inputs.limits import Limits

    path = tmp_path / "long.pdf"
    path.write_bytes(make_pdf([["Talks in Geneva."]] * 3))
    with pytest.raises(InputError, match=r"long\.pdf: the PDF has more than 2 pages \(see --max-pdf-pages\)"):
        list(read_inputs([path], limits=Limits(pdf_pages=2)))
    assert len(list(read_inputs([path], limits=Limits(pdf_pages=3)))) == 3

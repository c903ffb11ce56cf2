"""Word files as an attacker would send them: decompression bombs and malformed XML end in one
clear error, within bounded memory, and `--on-error skip` skips just that file."""
import subprocess
import sys
import textwrap

import pytest
from makers import docx_xml, make_docx, swap_docx_member

from geo.errors import InputError
from geo.inputs.limits import Limits
from geo.inputs.read import UnreadableDocument, read_inputs

MB = 1 << 20
HEAD, TAIL = docx_xml("\x00").split(b"\x00")


def one_text_node(size):
    """A single <w:t> of `size` bytes (lxml: "Text node too long")."""
    yield HEAD + b"<w:p><w:r><w:t>"
    for _ in range(size // MB):
        yield b"A" * MB
    yield b"</w:t></w:r></w:p>" + TAIL


def many_paragraphs(size):
    """`size` bytes of tiny paragraphs: parsed whole, they take many times their size."""
    para = b"<w:p><w:r><w:t>Oslo</w:t></w:r></w:p>"
    yield HEAD
    for _ in range(size // MB):
        yield para * (MB // len(para))
    yield TAIL


@pytest.fixture(scope="module")
def plain_docx():
    return make_docx(["Talks in Geneva."])


@pytest.mark.parametrize("shape", ["one text node", "many paragraphs", "many members", "too many members"])
def test_a_docx_bomb_is_one_clear_error(tmp_path, plain_docx, shape):
    path = tmp_path / "bomb.docx"
    if shape == "one text node":
        data = swap_docx_member(plain_docx, "word/document.xml", one_text_node(30 * MB))
    elif shape == "many paragraphs":
        data = swap_docx_member(plain_docx, "word/document.xml", many_paragraphs(30 * MB))
    elif shape == "many members":  # each member under the per-member cap, all together over
        data = swap_docx_member(plain_docx, "word/document.xml", [docx_xml("<w:p><w:r><w:t>Oslo</w:t></w:r></w:p>")],
                                extra={f"word/media/pad{k}.bin": bytes(10 * MB) for k in range(30)})
    else:
        data = swap_docx_member(plain_docx, "word/document.xml", [docx_xml("")],
                                extra={f"pad/item{k}.xml": b"<a/>" for k in range(10_001)})
    assert len(data) < 2 * MB  # a small file...
    path.write_bytes(data)
    with pytest.raises(InputError) as err:
        list(read_inputs([path]))
    message = str(err.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    assert "inflates to more than the limit" in message or "members in the Word file" in message
    (skipped,) = read_inputs([path], on_error="skip")
    assert isinstance(skipped, UnreadableDocument) and skipped.error == message


def test_the_limits_can_be_raised_for_big_files(tmp_path, plain_docx):
    path = tmp_path / "big.docx"
    words = b"Oslo " * (MB // 5) * 3  # one paragraph of 3 MB
    path.write_bytes(swap_docx_member(plain_docx, "word/document.xml",
                                      [HEAD, b"<w:p><w:r><w:t>", words, b"</w:t></w:r></w:p>", TAIL]))
    with pytest.raises(InputError, match="inflates to more than the limit"):
        list(read_inputs([path], limits=Limits(text_bytes=2 * MB)))
    docs = list(read_inputs([path], limits=Limits(text_bytes=4 * MB)))
    assert docs[0].text.startswith("Oslo Oslo") and sum(len(d.text) for d in docs) > 2 * MB


def test_a_text_node_too_long_for_the_xml_parser_is_one_clear_error(tmp_path, plain_docx):
    path = tmp_path / "long.docx"  # 12 MB: under the size limit, over lxml's 10 MB per text node
    path.write_bytes(swap_docx_member(plain_docx, "word/document.xml", one_text_node(12 * MB)))
    with pytest.raises(InputError) as err:
        list(read_inputs([path]))
    assert str(err.value).startswith(f"{path}: not a readable Word .docx file: ")
    assert "\n" not in str(err.value)


def test_a_bomb_is_refused_in_bounded_memory(tmp_path, plain_docx):
    """Peak memory of a fresh process reading a 400 MB bomb (before: gigabytes)."""
    path = tmp_path / "bomb.docx"
    path.write_bytes(swap_docx_member(plain_docx, "word/document.xml", many_paragraphs(400 * MB)))
    script = textwrap.dedent(f"""
        import resource, sys
        from geo.errors import InputError
        from geo.inputs.read import read_inputs
        try:
            list(read_inputs([{str(path)!r}]))
        except InputError as exc:
            print(exc)
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    message, peak_mb = run.stdout.splitlines()
    assert run.returncode == 0 and run.stderr == ""
    assert "inflates to more than the limit" in message
    assert int(peak_mb) < 700


@pytest.mark.parametrize("xml", [
    b"<w:document><w:body><w:p>",  # cut short
    b"not xml at all \x00\x01",
    docx_xml("<w:p><w:r><w:t>Oslo</w:r></w:p>"),  # mismatched tags
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><d>&c;</d>',  # entities (a billion laughs, small)
])
def test_malformed_word_xml_is_one_line_and_skippable(tmp_path, plain_docx, xml):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(swap_docx_member(plain_docx, "word/document.xml", [xml]))
    good = tmp_path / "good.txt"
    good.write_text("Talks in Geneva.", encoding="utf-8")
    with pytest.raises(InputError) as err:
        list(read_inputs([bad, good]))
    assert str(err.value).startswith(f"{bad}: ") and "\n" not in str(err.value)
    skipped, read = read_inputs([bad, good], on_error="skip")
    assert isinstance(skipped, UnreadableDocument) and skipped.id == "bad" and skipped.error
    assert read.text == "Talks in Geneva."


def test_a_big_picture_is_no_bomb(tmp_path, plain_docx):
    """Only XML members (parsed whole) have the text limit; a picture counts toward the total."""
    path = tmp_path / "photo.docx"
    path.write_bytes(swap_docx_member(plain_docx, "word/document.xml", [docx_xml("<w:p><w:r><w:t>Oslo</w:t></w:r></w:p>")],
                                      extra={"word/media/photo.png": bytes(3 * MB)}))
    (doc,) = read_inputs([path], limits=Limits(text_bytes=2 * MB))
    assert doc.text == "Oslo"
    with pytest.raises(InputError, match="photo.png inflates to more than the limit"):
        list(read_inputs([path], limits=Limits(report_bytes=2 * MB)))

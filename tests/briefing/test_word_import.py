"""导入Word against crafted files: a ZIP bomb is refused from the ZIP directory
before anything is unpacked, the conversion runs under CPU and memory limits,
and a file's type is checked by its structure, not its first bytes."""

import io
import struct
import time
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from briefing import importing
from briefing.models import Item
from briefing.uploads import check_upload

from .item_helpers import docx_bytes, make_cast

pytestmark = pytest.mark.django_db

PARAGRAPH = "<w:p><w:r><w:t>县开发区铆足干劲抓项目。</w:t></w:r></w:p>"


def bomb_docx(unpacked_mb: int) -> bytes:
    """A .docx whose document.xml unpacks to ``unpacked_mb`` MB of paragraphs
    and packs to well under a hundredth of that."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with zipfile.ZipFile(io.BytesIO(docx_bytes(["x"]))) as model:
            for name in model.namelist():
                if name != "word/document.xml":
                    z.writestr(name, model.read(name))
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(
                b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w='
                b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                b"<w:body>"
            )
            chunk = PARAGRAPH.encode() * (1024 * 1024 // len(PARAGRAPH.encode()))
            for _ in range(unpacked_mb):
                part.write(chunk)
            part.write(b"</w:body></w:document>")
    return buffer.getvalue()


def import_word(client, data: bytes, name="稿件.docx"):
    return client.post(
        reverse("briefing:item_create"),
        {
            "title": "我刚写好的标题",
            "body": "<p>我刚写好的正文</p>",
            "word_file": SimpleUploadedFile(name, data),
            "action": "import_word",
        },
    )


def test_a_docx_bomb_is_refused_from_its_zip_directory(client):
    bomb = bomb_docx(200)
    assert len(bomb) < 1024 * 1024  # what the attacker uploads
    cast = make_cast()
    client.force_login(cast.clerk)
    client.get(reverse("briefing:item_create"))  # templates loaded
    started = time.perf_counter()
    response = import_word(client, bomb)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    import_word(client, bomb)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"\n{len(bomb) // 1024} KB .docx unpacking to 200 MB: refused in "
        f"{seconds * 1000:.0f} ms, peak Python memory {peak / 2**20:.1f} MB"
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "解压后过大（上限 30 MB）" in text
    # What was typed is still in the form; nothing is saved.
    assert "我刚写好的标题" in text and "我刚写好的正文" in text
    assert not Item.objects.exists()
    assert seconds < 3  # the whole request, page included
    assert peak < 20 * 2**20


def test_a_docx_too_costly_to_convert_is_stopped(client, monkeypatch):
    """Under the size limit but still costly: the child process converting it
    is stopped by the CPU limit (lowered here so the test is quick)."""
    monkeypatch.setattr(importing, "CONVERT_CPU_SECONDS", 1)
    cast = make_cast()
    client.force_login(cast.clerk)
    started = time.perf_counter()
    response = import_word(client, bomb_docx(25))
    seconds = time.perf_counter() - started
    text = response.content.decode()
    assert "过于复杂" in text
    assert "我刚写好的标题" in text and "我刚写好的正文" in text
    assert seconds < importing.CONVERT_WALL_SECONDS


def test_the_conversion_runs_with_bounded_memory(client, monkeypatch):
    monkeypatch.setattr(importing, "CONVERT_MEMORY_BYTES", 64 * 1024 * 1024)
    cast = make_cast()
    client.force_login(cast.clerk)
    response = import_word(client, bomb_docx(25))
    assert "过于复杂" in response.content.decode()


def test_a_converted_text_too_long_is_refused(client, monkeypatch):
    monkeypatch.setattr(importing, "MAX_HTML_CHARS", 100)
    cast = make_cast()
    client.force_login(cast.clerk)
    response = import_word(client, docx_bytes(["第一段文字。" * 50]))
    assert "正文过长" in response.content.decode()


def test_a_broken_docx_gets_the_chinese_message(client):
    cast = make_cast()
    client.force_login(cast.clerk)
    # Same length, so the ZIP is intact; the XML inside is not.
    broken = docx_bytes(["x"]).replace(b"<w:body>", b"<w:bodx>")
    assert "无法读取该 Word 文件" in import_word(client, broken).content.decode()


# --- the type, by structure ---------------------------------------------------


def upload(name, data):
    return SimpleUploadedFile(name, data)


def test_a_docx_is_a_zip_from_its_first_byte_with_the_word_parts():
    good = docx_bytes(["正文。"])
    assert check_upload(upload("a.docx", good)) == "docx"
    # Something prepended (a ZIP still opens: its directory is at the end).
    with pytest.raises(ValidationError):
        check_upload(upload("a.docx", b"MZ" + b"\0" * 1000 + good))
    # A ZIP without [Content_Types].xml is not a Word document.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(ValidationError):
        check_upload(upload("a.docx", buffer.getvalue()))


def ole2(stream_name: str) -> bytes:
    """A minimal OLE2 compound file (version 3) holding one 4 KB stream."""
    free, end, fat_sector, no_stream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<109I", 0, *[free] * 108)
    fat = [fat_sector, end, 3, 4, 5, 6, 7, 8, 9, end] + [free] * 118

    def entry(name, kind, child, start, size):
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", no_stream, no_stream, child)
            + b"\0" * 36
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, 1, end, 0) + entry(
        stream_name, 2, no_stream, 2, 4096
    )
    directory += entry("", 0, no_stream, 0, 0) * 2
    return header + struct.pack("<128I", *fat) + directory + b"\x01" * 4096


def test_a_doc_is_ole2_with_a_word_document_stream():
    assert check_upload(upload("a.doc", ole2("WordDocument"))) == "doc"
    # An .msi (or .xls) is OLE2 as well, without the WordDocument stream.
    for other in ["\x05SummaryInformation", "Workbook"]:
        with pytest.raises(ValidationError):
            check_upload(upload("a.doc", ole2(other)))

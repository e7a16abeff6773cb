"""The issue as .docx, read as a reader would see it: converted to PDF by
LibreOffice (headless) and put through the same layout checks as the PDF.

LibreOffice takes a missing font from fontconfig; the office fonts the .docx
names fall back to the free ones as print.css does (fonts.conf below), as they
would on a machine set up like the server.
"""

import io
import os
import shutil
import subprocess

import pdfplumber
import pytest
from docx import Document
from docx.shared import Mm
from PIL import Image
from pypdf import PdfReader

from briefing.docx_issue import FONTS, issue_docx
from briefing.seed import load_seed, long_seed, seed_print_context
from tests.briefing.test_pdf import (
    BOTTOM,
    LEFT,
    LINE,
    MM,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RIGHT,
    TOP,
    colophon_chars,
    font_dicts,
    font_program,
    lines_of,
    of_size,
    render,
    squeeze,
)

pytestmark = [
    pytest.mark.one_database,
    pytest.mark.skipif(
        not shutil.which("soffice"),
        reason="LibreOffice is not installed (libreoffice-writer-nogui)",
    ),
]

FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  {aliases}
</fontconfig>
"""
FREE = {
    "title": "Noto Serif CJK SC",
    "hei": "Noto Sans CJK SC",
    "kai": "LXGW WenKai",
    "fangsong": "Noto Serif CJK SC",
}


def convert(docx: bytes, folder) -> bytes:
    (folder / "issue.docx").write_bytes(docx)
    aliases = "\n  ".join(
        f'<alias binding="same"><family>{FONTS[role]}</family>'
        f"<prefer><family>{FREE[role]}</family></prefer></alias>"
        for role in FONTS
    )
    (folder / "fonts.conf").write_text(FONTS_CONF.format(aliases=aliases))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(folder / "issue.docx"),
        ],
        env={**os.environ, "FONTCONFIG_FILE": str(folder / "fonts.conf")},
        capture_output=True,
        timeout=300,
        check=True,
    )
    return (folder / "issue.pdf").read_bytes()


@pytest.fixture(scope="module")
def seed():
    return load_seed()


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    return convert(issue_docx(*seed_print_context()), tmp_path_factory.mktemp("docx"))


@pytest.fixture(scope="module")
def doc(converted):
    with pdfplumber.open(io.BytesIO(converted)) as document:
        yield document


def text_of(page) -> str:
    """The text of the type area (the page number left out)."""
    area = page.filter(lambda obj: obj.get("top", 0) < BOTTOM)
    return squeeze(area.extract_text() or "")


def body_line_counts(pdf) -> list[int]:
    """Lines of 16 pt text in the type area, per page."""
    counts = []
    for page in pdf.pages:
        chars = [c for c in of_size(page.chars, 16) if TOP - 3 < c["top"] < BOTTOM]
        counts.append(len(lines_of(chars)))
    return counts


def test_every_page_is_a4(doc):
    for page in doc.pages:
        assert page.width == pytest.approx(PAGE_WIDTH, abs=1)
        assert page.height == pytest.approx(PAGE_HEIGHT, abs=1)


def test_text_stays_in_the_type_area_within_2_mm(doc):
    for page in doc.pages:
        # The page number sits below the type area; everything else within.
        body = [c for c in page.chars if c["text"].strip() and c["top"] < BOTTOM]
        assert min(c["x0"] for c in body) == pytest.approx(LEFT, abs=2 * MM)
        assert max(c["x1"] for c in body) < RIGHT + 2 * MM
        assert min(c["top"] for c in body) > TOP - 2 * MM
        assert max(c["bottom"] for c in body) < BOTTOM + 2 * MM


def test_masthead_sections_headlines_and_units_in_order(seed, doc):
    first = text_of(doc.pages[0])
    for text in (
        "内部资料注意保存",
        "工作简报",
        "第12期（总第345期）",
        "延津县人民政府办公室",
    ):
        assert text in first
    red = [c for c in doc.pages[0].chars if c["size"] > 30]
    assert squeeze("".join(c["text"] for c in red)) == "工作简报"
    whole = "".join(text_of(page) for page in doc.pages)
    positions = [whole.index(f"【{s['name']}】") for s in seed["sections"]]
    assert positions == sorted(positions)
    for section in seed["sections"]:
        for item in section["items"]:
            assert squeeze(item["headline"]) in whole
            assert f"（{item['unit']}）" in whole


def test_distribution_block_on_the_last_page_only(doc):
    last = text_of(doc.pages[-1])
    assert "本期发：县委常委" in last and last.endswith("（共印60份）")
    for page in doc.pages[:-1]:
        assert "本期发" not in text_of(page)


def test_distribution_block_at_the_foot_of_the_last_page(doc):
    last = doc.pages[-1]
    block = colophon_chars(last)
    body = of_size(last.chars, 16)
    body = [c for c in body if c["top"] < BOTTOM]
    assert min(c["top"] for c in block) > max(c["bottom"] for c in body)
    # The copies line is the last line of the type area, not under the text.
    assert BOTTOM - LINE < max(c["bottom"] for c in block) < BOTTOM
    rules = last.lines + last.rects
    assert max(r["bottom"] for r in rules) == pytest.approx(BOTTOM, abs=2 * MM)


@pytest.mark.parametrize("items", [1, 11])
def test_distribution_block_never_overlaps_text(items, tmp_path):
    # 1 item: a short last page; 11: the last page is nearly full.
    pdf = convert(issue_docx(*seed_print_context(long_seed(items))), tmp_path)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        last = document.pages[-1]
        block = colophon_chars(last)
        assert squeeze("".join(c["text"] for c in block)).startswith("本期发")
        body = [c for c in of_size(last.chars, 16) if c["top"] < BOTTOM]
        if body:
            assert min(c["top"] for c in block) > max(c["bottom"] for c in body)
        assert BOTTOM - LINE < max(c["bottom"] for c in block) < BOTTOM
        for page in document.pages[:-1]:
            assert "本期发" not in text_of(page)


def test_page_numbers_odd_right_even_left(doc):
    for number, page in enumerate(doc.pages, start=1):
        foot = [c for c in page.chars if c["top"] > BOTTOM and c["text"].strip()]
        assert squeeze("".join(c["text"] for c in foot)) == f"—{number}—"
        if number % 2:
            assert max(c["x1"] for c in foot) > RIGHT - 20
        else:
            assert min(c["x0"] for c in foot) < LEFT + 20


def test_lines_per_page_within_one_of_the_pdf(converted):
    with pdfplumber.open(io.BytesIO(render())) as pdf:
        printed = body_line_counts(pdf)
    with pdfplumber.open(io.BytesIO(converted)) as pdf:
        from_docx = body_line_counts(pdf)
    assert len(from_docx) == len(printed)
    for docx_lines, pdf_lines in zip(from_docx, printed, strict=True):
        assert abs(docx_lines - pdf_lines) <= 1, (from_docx, printed)


def test_every_font_is_embedded_and_chinese(converted):
    reader = PdfReader(io.BytesIO(converted))
    names = []
    for font in font_dicts(reader):
        key, program = font_program(font)
        assert key is not None and program, f"{font['/BaseFont']} is not embedded"
        names.append(str(font["/BaseFont"]))
    # The free fallbacks, not a Latin font drawing boxes.
    assert any("NotoSerifCJK" in name for name in names), names
    assert any("NotoSansCJK" in name for name in names), names


def test_the_docx_names_the_office_fonts(tmp_path):
    import zipfile

    docx = issue_docx(*seed_print_context())
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        body = archive.read("word/document.xml").decode()
        settings = archive.read("word/settings.xml").decode()
        footers = [
            archive.read(name).decode()
            for name in archive.namelist()
            if name.startswith("word/footer")
        ]
    for name in FONTS.values():
        assert f'w:eastAsia="{name}"' in body
    # Odd and even footers, each with a PAGE field.
    assert "evenAndOddHeaders" in settings
    assert len([f for f in footers if " PAGE " in f]) == 2


def test_images_and_tables_of_an_item_are_kept(tmp_path):
    # An item's photo and table reach the .docx as a picture and a table, as
    # they reach the PDF, and the headline and （单位） stay where print has them.
    photo = tmp_path / "photo.png"
    Image.new("RGB", (800, 400), "navy").save(photo, dpi=(96, 96))
    issue, sections = seed_print_context()
    item = sections[0].items[0]
    item.body_html = (
        "<p>开头一段。</p>"
        f'<figure class="image"><img src="{photo.as_uri()}" alt="现场"></figure>'
        '<figure class="table"><table><tbody>'
        "<tr><th>项目</th><th>投资（亿元）</th></tr>"
        "<tr><td>产业园</td><td>12.5</td></tr>"
        "</tbody></table></figure>"
    )
    docx = issue_docx(issue, sections)
    document = Document(io.BytesIO(docx))
    assert len(document.inline_shapes) == 1
    assert document.inline_shapes[0].width <= Mm(156)
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows == [["项目", "投资（亿元）"], ["产业园", "12.5"]]
    texts = [paragraph.text for paragraph in document.paragraphs]
    headline = texts.index(f"{item.headline}\u3000开头一段。")
    assert texts[headline + 2] == f"（{item.unit_name}）"

    with pdfplumber.open(io.BytesIO(convert(docx, tmp_path))) as pdf:
        first = pdf.pages[0]
        assert first.images
        assert "产业园12.5" in text_of(first)


def test_an_image_word_cannot_read_is_left_out_not_fatal(tmp_path):
    # The renderer and the upload check accept it; python-docx does not. The
    # issue is still signed and its .docx still made, with the text.
    odd = tmp_path / "odd.png"
    odd.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0d\xae\xff" * 8)
    issue, sections = seed_print_context()
    item = sections[0].items[0]
    item.body_html = (
        f'<p>开头一段。</p><figure class="image"><img src="{odd.as_uri()}"></figure>'
    )
    document = Document(io.BytesIO(issue_docx(issue, sections)))
    assert len(document.inline_shapes) == 0
    assert f"{item.headline}\u3000开头一段。" in [p.text for p in document.paragraphs]

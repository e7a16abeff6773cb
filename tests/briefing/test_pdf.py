"""The printed briefing: the seed issue rendered to PDF and read back.

What is checked is what a person holding the printout would check: the masthead,
the sections and items in order, the 版记 at the foot of the last page, the page
numbers, the line grid (22 lines of 28 characters), and that every character is
drawn from an embedded font with a real glyph.
"""

import io
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pdfplumber
import pytest
from django.core.checks import ERROR, WARNING, run_checks
from pypdf import PdfReader
from pypdf.generic import ByteStringObject, ContentStream, TextStringObject

from briefing import fonts
from briefing.pdf import PdfRenderError, render_pdf
from briefing.print_layout import issue_print_html, item_html
from briefing.seed import load_seed, long_seed, parse_seed, seed_print_context
from briefing.stamp import stamp_pdf

pytestmark = pytest.mark.one_database

MM = 72 / 25.4
PAGE_WIDTH, PAGE_HEIGHT = 210 * MM, 297 * MM
LEFT, RIGHT = 28 * MM, (210 - 26) * MM  # the type area, 156 mm wide
TOP, BOTTOM = 37 * MM, (297 - 35) * MM  # and 225 mm high
LINE = 28.95
CELL = 16 - 0.21  # a character cell of body text
MASTHEAD_BOTTOM = TOP + 6 * LINE


# ---- helpers ----------------------------------------------------------------


def render(seed=None) -> bytes:
    return render_pdf(issue_print_html(*seed_print_context(seed)))


def is_mark(char) -> bool:
    """A character of a watermark (the preview's or a reader's): light grey."""
    colour = tuple(char["non_stroking_color"] or ())
    return bool(colour) and len(set(colour)) == 1 and 0.75 <= colour[0] < 1


def without_marks(page):
    """The page as printed before any mark: what the layout tests read."""
    return page.filter(lambda obj: obj["object_type"] != "char" or not is_mark(obj))


def marks_of(page) -> str:
    """The watermark characters, in drawing order."""
    return "".join(char["text"] for char in page.chars if is_mark(char))


READER_MARK = ["陈副县长　领导", "2026-11-24 09:05　第000007份"]


def of_size(chars, size):
    return [char for char in chars if abs(char["size"] - size) < 0.01]


def text_of(chars) -> str:
    return "".join(char["text"] for char in chars)


def squeeze(text: str) -> str:
    return re.sub(r"\s", "", text)


def lines_of(chars) -> list[list[dict]]:
    """Chars grouped by baseline, top to bottom, each line left to right.

    A headline and its body share a baseline, but fonts differ in their
    descent, so baselines within 1 pt are one line.
    """
    lines: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: c["bottom"]):
        if lines and char["bottom"] - lines[-1][0]["bottom"] < 1:
            lines[-1].append(char)
        else:
            lines.append([char])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def body_lines(page) -> list[list[dict]]:
    """Lines of 16 pt text: the body, below the masthead on page 1."""
    chars = of_size(page.chars, 16)
    if page.page_number == 1:
        chars = [char for char in chars if char["top"] > MASTHEAD_BOTTOM]
    return lines_of(chars)


def colophon_chars(page) -> list[dict]:
    """The 14 pt text of the type area: the 版记 (the masthead note excluded)."""
    chars = [c for c in of_size(page.chars, 14) if c["top"] < BOTTOM]
    if page.page_number == 1:
        chars = [char for char in chars if char["top"] > MASTHEAD_BOTTOM]
    return chars


def is_pure_cjk(line) -> bool:
    return all(not char["text"].isascii() for char in line)


def page_resources(reader):
    """Every resource dictionary that content is drawn with: pages and forms."""
    todo = [(page.get_contents(), page["/Resources"]) for page in reader.pages]
    while todo:
        content, resources = todo.pop()
        yield content, resources
        for xobject in resources.get("/XObject", {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                todo.append((xobject, xobject.get("/Resources", resources)))


def font_dicts(reader):
    seen = {}
    for _content, resources in page_resources(reader):
        for ref in resources.get("/Font", {}).values():
            font = ref.get_object()
            seen[id(font)] = font
    return list(seen.values())


def font_program(font):
    """(descriptor key, embedded font bytes) of a font, or (None, None)."""
    if font["/Subtype"] == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return None, None
    descriptor = descriptor.get_object()
    for key in ("/FontFile", "/FontFile2", "/FontFile3"):
        if key in descriptor:
            return key, descriptor[key].get_object().get_data()
    return None, None


def drawable_codes(font) -> set[int]:
    """CIDs for which the embedded font program has a glyph other than .notdef."""
    from fontTools.ttLib import TTFont

    descendant = font["/DescendantFonts"][0].get_object()
    to_gid = descendant.get("/CIDToGIDMap", "/Identity")
    assert to_gid == "/Identity", f"{font['/BaseFont']}: CIDToGIDMap {to_gid}"
    _key, program = font_program(font)
    glyph_order = TTFont(io.BytesIO(program), lazy=True).getGlyphOrder()
    if all(name.startswith("cid") for name in glyph_order[1:]):
        # CID-keyed CFF: the charset names each glyph by its CID.
        return {int(name[3:]) for name in glyph_order[1:]}
    return set(range(1, len(glyph_order)))


def code_to_cid(font):
    """How the font's encoding turns a 2-byte code into a CID.

    Identity-H: the code is the CID. WeasyPrint writes its own CMap instead when
    some character had no glyph; that CMap maps those codes to CID 0.
    """
    encoding = font["/Encoding"]
    if encoding == "/Identity-H":
        return lambda code: code
    assert not isinstance(encoding, str), f"{font['/BaseFont']}: {encoding}"
    cmap = encoding.get_object().get_data().decode("latin-1")
    mapping = {}
    for block in re.findall(r"begincidchar(.*?)endcidchar", cmap, re.DOTALL):
        for code, cid in re.findall(r"<([0-9a-fA-F]+)>\s+(\d+)", block):
            mapping[int(code, 16)] = int(cid)
    range_re = r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s+(\d+)"
    for block in re.findall(r"begincidrange(.*?)endcidrange", cmap, re.DOTALL):
        for low, high, cid in re.findall(range_re, block):
            for code in range(int(low, 16), int(high, 16) + 1):
                mapping[code] = int(cid) + code - int(low, 16)
    # A code the CMap does not map selects CID 0.
    return lambda code: mapping.get(code, 0)


def notdef_glyphs(pdf: bytes) -> list[tuple[str, int]]:
    """(font, code) for every glyph drawn as .notdef.

    All text must be in Type0 fonts with 2-byte codes (what WeasyPrint writes):
    the font's encoding (Identity-H, or a CMap of WeasyPrint's own) turns each
    code of a text-showing operator (Tj, TJ, ', ") into a CID, and with
    CIDToGIDMap /Identity (TrueType) or a CID-keyed CFF charset the CID names
    the glyph. The glyph drawn is .notdef when the CID is 0 or names no glyph
    in the embedded subset. This is the check that matters: for a character no
    font has, WeasyPrint draws .notdef, and text extraction still returns the
    intended character.
    """
    reader = PdfReader(io.BytesIO(pdf))
    missing = []
    decoders: dict[int, tuple] = {}
    for content, resources in page_resources(reader):
        fonts_here = resources.get("/Font", {})
        font = None
        for operands, operator in ContentStream(content, reader).operations:
            if operator == b"Tf":
                font = fonts_here[operands[0]].get_object()
                assert font["/Subtype"] == "/Type0", font["/BaseFont"]
                if id(font) not in decoders:
                    decoders[id(font)] = (code_to_cid(font), drawable_codes(font))
                continue
            if operator in (b"Tj", b"'"):
                strings = [operands[-1]]
            elif operator == b'"':
                strings = [operands[2]]
            elif operator == b"TJ":
                strings = [
                    part
                    for part in operands[0]
                    if isinstance(part, ByteStringObject | TextStringObject)
                ]
            else:
                continue
            to_cid, drawable = decoders[id(font)]
            for string in strings:
                raw = string.original_bytes
                for index in range(0, len(raw), 2):
                    code = int.from_bytes(raw[index : index + 2], "big")
                    cid = to_cid(code)
                    if cid == 0 or cid not in drawable:
                        missing.append((str(font["/BaseFont"]), code))
    return missing


@pytest.fixture(scope="module")
def seed():
    return load_seed()


@pytest.fixture(scope="module")
def signed_pdf():
    return render()


# The preview and a reader's marked copy must lay out exactly as the signed PDF
# does: every layout test below runs on all three (marks left out).
@pytest.fixture(scope="module", params=["signed", "preview", "reader copy"])
def seed_pdf(request, signed_pdf):
    if request.param == "preview":
        issue, sections = seed_print_context()
        issue.preview = True
        return render_pdf(issue_print_html(issue, sections))
    if request.param == "reader copy":
        return stamp_pdf(signed_pdf, READER_MARK)
    return signed_pdf


@pytest.fixture(scope="module")
def seed_doc(seed_pdf):
    with pdfplumber.open(io.BytesIO(seed_pdf)) as document:
        yield SimpleNamespace(pages=[without_marks(page) for page in document.pages])


@pytest.fixture(scope="module")
def seed_text(seed_doc):
    return squeeze("".join(page.extract_text() for page in seed_doc.pages))


# ---- the seed text ----------------------------------------------------------


def test_seed_parses_into_six_sections_of_one_item(seed):
    assert [section["name"] for section in seed["sections"]] == [
        "项目建设",
        "质量强县",
        "交通治理",
        "民生保障",
        "便民服务",
        "社会稳定",
    ]
    assert all(len(section["items"]) == 1 for section in seed["sections"])
    items = [section["items"][0] for section in seed["sections"]]
    assert [item["unit"] for item in items] == [
        "开发区",
        "市场监督管理局",
        "教体局",
        "民政局",
        "马庄乡",
        "司寨乡",
    ]


def test_seed_headlines_are_split_where_the_gap_was(seed):
    items = [section["items"][0] for section in seed["sections"]]
    # A headline over two printed lines, and one whose gap fell at a line end.
    assert (
        items[1]["headline"] == "我县成功创建“河南省质量强县示范县”再添“省”字号荣誉称号"
    )
    assert items[1]["body"].startswith("构建“党委领导")
    assert items[3]["headline"] == "县民政局提升兜底保障精准性促进社会救助工作提质增效"
    assert items[3]["body"].startswith("坚持“大数据+铁脚板”")
    assert items[0]["headline"] == "县开发区铆足干劲抓项目千方百计赶进度"


def test_seed_bodies_are_joined_without_breaks_but_keep_digit_spaces(seed):
    bodies = [section["items"][0]["body"] for section in seed["sections"]]
    for body in bodies:
        assert "\n" not in body
        assert not re.search(r"[\u4e00-\u9fff，。、] [\u4e00-\u9fff“]", body), body
    assert "谋划项目 77 个，总投资 369.95 亿元" in bodies[0]
    assert "线上监测与线下复核" in bodies[3]  # the line began with a stray space
    assert bodies[0].endswith("141.8 亿元。")  # the unit is not part of the body
    assert bodies[4].endswith("受理各类业务事项 1500 余件。")


def test_seed_distribution_line(seed):
    assert seed["distribution"] == (
        "本期发：县委常委，县人大正副主任，副县长，县政协正副主席，人武部长，"
        "法院院长，检察院检察长，县直各单位负责人，各乡（镇）政府、"
        "街道办事处主要领导。"
    )


def test_seed_parser_refuses_an_item_without_unit():
    with pytest.raises(ValueError, match="报送单位"):
        parse_seed("【栏目】\n\n标题一　正文没有单位。\n")


# ---- item HTML ---------------------------------------------------------------


def test_item_with_several_paragraphs_runs_headline_in_and_ends_with_unit():
    item = SimpleNamespace(
        headline="标题<b>",
        body_html="<p>第一段。</p><p>第二段。</p>",
        unit_name="开发区",
    )
    html = str(item_html(item))
    assert html == (
        '<p><span class="headline">标题&lt;b&gt;</span>\u3000第一段。</p>'
        '<p>第二<span class="unit">段。（开发区）</span></p>'
    )


def test_item_starting_with_a_table_gets_its_own_headline_paragraph():
    item = SimpleNamespace(
        headline="标题",
        body_html="<table><tr><td>1</td></tr></table>",
        unit_name="民政局",
    )
    html = str(item_html(item))
    assert html.startswith('<p><span class="headline">标题</span>\u3000</p><table>')
    assert html.endswith(
        '</table><p class="unit-line"><span class="unit">（民政局）</span></p>'
    )


# ---- the rendered seed: page, masthead, body ---------------------------------


def test_every_page_is_a4(seed_doc):
    assert len(seed_doc.pages) == 4
    for page in seed_doc.pages:
        assert page.width == pytest.approx(PAGE_WIDTH, abs=0.5)
        assert page.height == pytest.approx(PAGE_HEIGHT, abs=0.5)


def test_masthead_on_first_page_only(seed_doc):
    first = squeeze(seed_doc.pages[0].extract_text())
    for text in (
        "内部资料注意保存",
        "工作简报",
        "第12期（总第345期）",
        "延津县人民政府办公室",
        "2026年11月24日",
    ):
        assert text in first
    assert first.index("工作简报") < first.index("第12期") < first.index("【项目建设】")
    for page in seed_doc.pages[1:]:
        assert "内部资料" not in page.extract_text()


def test_masthead_title_and_rule_are_print_red(seed_doc):
    page = seed_doc.pages[0]
    red = (0, 0.8, 0.8, 0)
    title = [char for char in page.chars if char["size"] > 30]
    assert text_of(title) == "工作简报"
    assert all(tuple(char["non_stroking_color"]) == red for char in title)
    rules = [
        rect
        for rect in page.rects
        if tuple(rect["non_stroking_color"] or ()) == red
        and rect["x0"] == pytest.approx(LEFT, abs=0.5)
        and rect["x1"] == pytest.approx(RIGHT, abs=0.5)
    ]
    assert len(rules) == 1
    assert 0.35 * MM - 0.01 <= rules[0]["height"] <= 0.53 * MM + 0.01
    assert rules[0]["bottom"] < MASTHEAD_BOTTOM


def test_masthead_marks_a_correction_and_the_classification(seed_doc):
    issue, sections = seed_print_context()
    issue.is_correction = True
    issue.marking = "秘密★1年"
    issue.numbered = True
    issue.distribution_lines = [
        "报：市委办公室。",
        "送：县人大常委会办公室。",
        "发：县直各单位。",
    ]
    pdf = render_pdf(issue_print_html(issue, sections[:1]))
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        first = document.pages[0]
        text = squeeze(first.extract_text())
        # Exactly one marking, top left, on the second line (GB/T 9704: the
        # 份号 goes on the first, stamped on each downloaded copy).
        assert "内部资料" not in text and text.count("秘密★1年") == 1
        marking = [c for c in of_size(first.chars, 14) if c["top"] < TOP + 2 * LINE]
        assert text_of(marking) == "秘密★1年"
        assert marking[0]["x0"] == pytest.approx(LEFT, abs=0.5)
        assert min(c["top"] for c in marking) > TOP + LINE - 1
        number_line = [
            line for line in lines_of(first.chars) if "更正版" in text_of(line)
        ]
        assert "第12期（总第345期）" in squeeze(text_of(number_line[0]))
        # Seven lines of masthead: the body starts one grid line lower.
        plain_first_line = body_lines(seed_doc.pages[0])[0]
        below_masthead = [
            c for c in of_size(first.chars, 16) if c["top"] > MASTHEAD_BOTTOM + LINE
        ]
        assert lines_of(below_masthead)[0][0]["bottom"] == pytest.approx(
            plain_first_line[0]["bottom"] + LINE, abs=0.1
        )
        # A downloaded copy gets its 份号 on the first line, flush left.
        copy = stamp_pdf(pdf, READER_MARK, copy_number="000007")
    with pdfplumber.open(io.BytesIO(copy)) as document:
        first = document.pages[0]
        top_line = [
            c for c in first.chars if not is_mark(c) and c["bottom"] < TOP + LINE
        ]
        assert text_of(top_line) == "000007"
        assert top_line[0]["x0"] == pytest.approx(LEFT, abs=0.5)
        assert min(c["top"] for c in top_line) > TOP - 1
        block = squeeze(text_of(colophon_chars(document.pages[-1])))
        assert (
            block
            == "报：市委办公室。送：县人大常委会办公室。发：县直各单位。（共印60份）"
        )


def test_sections_in_order(seed, seed_text):
    positions = [seed_text.index(f"【{s['name']}】") for s in seed["sections"]]
    assert positions == sorted(positions)


def test_every_headline_and_unit_is_printed(seed, seed_text):
    for section in seed["sections"]:
        for item in section["items"]:
            assert squeeze(item["headline"]) in seed_text
            assert f"（{item['unit']}）" in seed_text


def test_headline_is_set_in_another_font_than_its_body(seed, seed_doc):
    chars = [c for page in seed_doc.pages for c in of_size(page.chars, 16)]
    chars = [c for c in chars if c["text"] != " "]
    text = text_of(chars)
    for section in seed["sections"]:
        item = section["items"][0]
        start = text.index(item["headline"])
        end = start + len(item["headline"])
        headline_fonts = {c["fontname"] for c in chars[start:end]}
        assert len(headline_fonts) == 1
        if chars[end]["text"] == "\u3000":
            # One full cell, then the body on the same line.
            end += 1
        else:
            # The headline filled its line: the body starts the next one.
            assert chars[end]["x0"] == pytest.approx(LEFT, abs=0.5)
            assert chars[end]["top"] > chars[end - 1]["bottom"]
        assert chars[end]["fontname"] not in headline_fonts


def test_units_are_never_broken_across_lines(seed, seed_doc):
    for section in seed["sections"]:
        unit = f"（{section['items'][0]['unit']}）"
        found = [
            line
            for page in seed_doc.pages
            for line in body_lines(page)
            if unit in text_of(line)
        ]
        assert len(found) == 1, unit


# ---- the 版记 and the page numbers -------------------------------------------


def test_distribution_block_at_foot_of_last_page(seed_pdf, seed_doc):
    last = seed_doc.pages[-1]
    block = colophon_chars(last)
    text = squeeze("".join(text_of(line) for line in lines_of(block)))
    assert text.startswith("本期发：县委常委")
    assert text.endswith("（共印60份）")
    body_bottom = max(c["bottom"] for c in of_size(last.chars, 16))
    assert min(c["top"] for c in block) > body_bottom
    # The copies line is the last line of the type area, not under the text.
    assert BOTTOM - LINE < max(c["bottom"] for c in block) < BOTTOM
    rules = [r for r in last.rects if r["x0"] == pytest.approx(LEFT, abs=0.5)]
    assert max(r["bottom"] for r in rules) == pytest.approx(BOTTOM, abs=0.3)
    # The hidden copy that reserves the space is not drawn.
    all_text = squeeze("".join(page.extract_text() for page in seed_doc.pages))
    assert all_text.count("本期发") == 1
    assert all_text.count("共印60份") == 1


def test_distribution_lines_hang_one_character(seed_doc):
    last = seed_doc.pages[-1]
    lines = lines_of(colophon_chars(last))
    starts = [line[0]["x0"] for line in lines[:3]]
    assert starts[0] == pytest.approx(LEFT + 14, abs=0.5)
    # Wrapped lines start one character further in (（ has room on its left).
    assert starts[1] == pytest.approx(LEFT + 28, abs=0.5)
    assert starts[2] == pytest.approx(LEFT + 28, abs=0.5)


@pytest.mark.parametrize("items", [1, 2, 11])
def test_distribution_block_never_overlaps_text(items):
    # 1 item: the block does not fit and moves to a page of its own; 11: the
    # last page is nearly full.
    with pdfplumber.open(io.BytesIO(render(long_seed(items)))) as document:
        last = document.pages[-1]
        block = colophon_chars(last)
        body = of_size(last.chars, 16)
        assert text_of(block).startswith("本期发")
        if body:
            assert min(c["top"] for c in block) > max(c["bottom"] for c in body)
        for page in document.pages[:-1]:
            assert "本期发" not in page.extract_text()


def test_page_numbers(seed_doc):
    for number, page in enumerate(seed_doc.pages, start=1):
        foot = [c for c in page.chars if c["top"] > BOTTOM and c["text"].strip()]
        assert text_of(foot) == f"—{number}—"
        assert all(c["size"] == pytest.approx(14, abs=0.01) for c in foot)
        # 7 mm below the type area (to the font's ascent line, which is ~2 pt
        # above the digits), one character in from the outer side.
        assert min(c["top"] for c in foot) == pytest.approx(BOTTOM + 7 * MM, abs=3)
        if number % 2:
            assert max(c["x1"] for c in foot) == pytest.approx(RIGHT - 14, abs=1)
        else:
            assert min(c["x0"] for c in foot) == pytest.approx(LEFT + 14, abs=1)
    first = seed_doc.pages[0].extract_text()
    assert "— 1 —" in first


# ---- the line grid ------------------------------------------------------------


def test_full_page_has_22_lines_on_the_grid(seed_doc):
    lines = body_lines(seed_doc.pages[1])
    assert len(lines) == 22
    baselines = [line[0]["bottom"] for line in lines]
    gaps = [b - a for a, b in zip(baselines[:-1], baselines[1:], strict=True)]
    assert gaps == pytest.approx([LINE] * 21, abs=0.2)
    assert lines[0][0]["top"] > TOP - 1
    assert lines[-1][0]["bottom"] < BOTTOM


def test_every_full_page_of_a_long_issue_has_22_lines():
    with pdfplumber.open(io.BytesIO(render(long_seed(24)))) as document:
        pages = [body_lines(page) for page in document.pages]
    assert len(pages) >= 10
    assert len(pages[0]) == 16  # below the masthead
    for page, next_page in zip(pages[1:-1], pages[2:], strict=True):
        if text_of(next_page[0]).startswith("【"):
            # A section heading is kept with its first line: one line moves.
            assert len(page) in (21, 22)
        else:
            assert len(page) == 22


def test_first_page_body_continues_the_grid_below_the_masthead(seed_doc):
    lines = body_lines(seed_doc.pages[0])
    assert len(lines) == 16  # 22 less the six lines of the masthead
    baselines = [line[0]["bottom"] for line in lines]
    page_two = body_lines(seed_doc.pages[1])
    # Line 7 of page 1 sits where line 7 of a full page does.
    assert baselines[0] == pytest.approx(page_two[6][0]["bottom"], abs=0.5)


def test_full_lines_hold_28_characters_and_first_lines_26(seed_doc):
    full, first = [], []
    for page in seed_doc.pages:
        for line in body_lines(page):
            assert line[-1]["x1"] < RIGHT + 0.5, text_of(line)
            reaches_margin = line[-1]["x1"] > RIGHT - 0.5
            if line[0]["x0"] > LEFT + 1:
                # A paragraph's first line: a two-cell indent.
                assert line[0]["x0"] - LEFT == pytest.approx(2 * CELL, abs=0.1)
                if reaches_margin and is_pure_cjk(line):
                    first.append(line)
            elif reaches_margin and is_pure_cjk(line):
                full.append(line)
    assert len(full) >= 30
    assert {len(line) for line in full} == {28}
    assert first
    assert {len(line) for line in first} == {26}


# ---- marks: the preview's and each reader's ------------------------------------


def layout(pdf: bytes) -> list[list[tuple]]:
    """Every unmarked character of every page: text, font, size, position."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [
            [
                (c["text"], c["fontname"], round(c["size"], 2), c["x0"], c["top"])
                for c in without_marks(page).chars
            ]
            for page in document.pages
        ]


def test_the_preview_and_a_reader_copy_lay_out_exactly_as_the_signed_pdf(
    signed_pdf, seed_pdf
):
    assert layout(seed_pdf) == layout(signed_pdf)


def test_the_preview_mark_is_on_every_page_diagonal_and_behind_the_text():
    issue, sections = seed_print_context()
    issue.preview = True
    with pdfplumber.open(
        io.BytesIO(render_pdf(issue_print_html(issue, sections)))
    ) as doc:
        for page in doc.pages:
            assert marks_of(page) == "预览（未签发）"
            # Drawn before anything else, so everything else covers it.
            assert is_mark(page.chars[0])
            mark = [c for c in page.chars if is_mark(c)]
            # Diagonal: each character higher than the one before, all of it
            # inside the type area.
            tops = [c["top"] for c in mark]
            assert tops == sorted(tops, reverse=True) and tops[0] - tops[-1] > 100
            assert all(LEFT <= c["x0"] and c["x1"] <= RIGHT for c in mark)
            assert all(TOP <= c["top"] and c["bottom"] <= BOTTOM for c in mark)


def test_a_reader_copy_carries_name_unit_time_and_number_on_every_page(signed_pdf):
    copy = stamp_pdf(signed_pdf, READER_MARK)
    with pdfplumber.open(io.BytesIO(copy)) as document:
        assert len(document.pages) == 4
        for page in document.pages:
            text = marks_of(page).replace(" ", "")
            # Twice on each page, whole.
            assert text.count("陈副县长　领导2026-11-24 09:05".replace(" ", "")) == 2
            assert text.count("第000007份") == 2
            assert is_mark(page.chars[0])  # behind the text
            mark = [c for c in page.chars if is_mark(c)]
            assert all(LEFT <= c["x0"] and c["x1"] <= RIGHT for c in mark)
            assert all(TOP <= c["top"] and c["bottom"] <= BOTTOM for c in mark)
            # Turned, not upright: the mark's characters climb to the right.
            assert mark[1]["top"] < mark[0]["top"]
    # Found by a plain text search too (copy and paste, pdftotext).
    reader = PdfReader(io.BytesIO(copy))
    assert all("第000007份" in page.extract_text() for page in reader.pages)


def test_a_character_the_font_lacks_is_left_out_not_drawn_as_a_box(signed_pdf):
    # U+13000 (an Egyptian hieroglyph) is in none of the installed fonts.
    copy = stamp_pdf(signed_pdf, ["张\U00013000三　民政局", "第000123份"])
    assert notdef_glyphs(copy) == []
    with pdfplumber.open(io.BytesIO(copy)) as document:
        assert marks_of(document.pages[0]).count("张三　民政局第000123份") == 2


def test_no_marking_leaves_the_first_line_empty_and_the_grid_as_it_is(seed_doc):
    issue, sections = seed_print_context()
    issue.marking = ""
    with pdfplumber.open(
        io.BytesIO(render_pdf(issue_print_html(issue, sections)))
    ) as doc:
        first = doc.pages[0]
        assert "内部资料" not in first.extract_text()
        assert not of_size(first.chars, 14)[0]["top"] < TOP + LINE
        assert body_lines(first)[0][0]["bottom"] == pytest.approx(
            body_lines(seed_doc.pages[0])[0][0]["bottom"], abs=0.1
        )


# ---- fonts --------------------------------------------------------------------


def test_every_font_is_embedded(seed_pdf):
    reader = PdfReader(io.BytesIO(seed_pdf))
    found = font_dicts(reader)
    assert len(found) >= 3  # 标题, 黑体 and 仿宋 roles at least
    for font in found:
        key, program = font_program(font)
        assert key is not None, f"{font['/BaseFont']} is not embedded"
        assert program, f"{font['/BaseFont']} has an empty font file"


def test_no_notdef_glyph_is_drawn(seed_pdf):
    assert notdef_glyphs(seed_pdf) == []


def test_notdef_check_catches_a_character_no_font_has():
    # U+13000 (an Egyptian hieroglyph) is in none of the installed fonts.
    item = SimpleNamespace(
        headline="缺字", body_html="<p>中\U00013000文</p>", unit_name=""
    )
    issue, _sections = seed_print_context()
    pdf = render_pdf(
        issue_print_html(issue, [SimpleNamespace(name="测试", items=[item])])
    )
    assert notdef_glyphs(pdf)


def test_check_reports_error_without_any_cjk_font(monkeypatch):
    monkeypatch.setattr(fonts, "available_cjk_families", lambda: [])
    messages = run_checks(tags=["briefing"])
    assert [message.id for message in messages] == ["briefing.E001"]
    assert messages[0].level == ERROR
    assert "中文字体" in messages[0].msg
    assert "fonts-noto-cjk" in messages[0].hint
    assert "BRIEFING_FONTS_DIR" in messages[0].hint


def test_render_refuses_without_any_cjk_font(monkeypatch):
    monkeypatch.setattr(fonts, "available_cjk_families", lambda: [])
    with pytest.raises(PdfRenderError, match="中文字体"):
        render()


def test_check_is_quiet_with_the_debian_fonts():
    assert run_checks(tags=["briefing"]) == []


def test_check_warns_for_a_role_with_no_installed_font(settings):
    settings.BRIEFING_FONTS_DIR = None
    settings.BRIEFING_FONT_KAI = '"楷体_GB2312", "No Such Kai", serif'
    messages = run_checks(tags=["briefing"])
    assert [message.id for message in messages] == ["briefing.W001"]
    assert messages[0].level == WARNING
    assert "楷体" in messages[0].msg
    assert "标题" not in messages[0].msg
    assert fonts.missing_roles() == ["kai"]


def test_role_setting_accepts_a_list(settings):
    settings.BRIEFING_FONTS_DIR = None
    settings.BRIEFING_FONT_HEI = ["SimHei", "Noto Sans CJK SC", "sans-serif"]
    assert fonts.role_families("hei") == ["SimHei", "Noto Sans CJK SC", "sans-serif"]
    assert '--font-hei: "SimHei", "Noto Sans CJK SC", sans-serif;' in fonts.font_css()


def _small_cjk_font(family: str, folder: Path, text: str) -> Path:
    """A copy of an installed Chinese TrueType font, cut to `text`, renamed."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    listing = subprocess.run(
        ["fc-list", ":lang=zh:fontformat=TrueType", "file"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    sources = sorted(
        (Path(line.strip().rstrip(":")) for line in listing.splitlines()),
        key=lambda path: path.stat().st_size,
    )
    sources = [path for path in sources if path.suffix.lower() == ".ttf"]
    if not sources:
        pytest.skip("no Chinese .ttf font installed to copy")
    font = TTFont(sources[0])
    subsetter = subset.Subsetter(subset.Options(name_IDs=["*"], name_languages=["*"]))
    # Every real font has ASCII and the ideographic space; Pango draws spaces
    # with the current font, never a fallback.
    subsetter.populate(text=text + "".join(map(chr, range(0x20, 0x7F))) + "\u3000")
    subsetter.subset(font)
    postscript = "BriefingTestFont"
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = family
        elif record.nameID == 6:
            record.string = postscript
    path = folder / f"{postscript}.ttf"
    font.save(path)
    return path


def test_fonts_dir_font_with_an_unknown_name_comes_first_in_every_role(
    settings, tmp_path
):
    text = "中国测试字体本期发"
    _small_cjk_font("Office Test Kai", tmp_path, text)
    settings.BRIEFING_FONTS_DIR = tmp_path
    assert fonts.available_cjk_families()[0] == "Office Test Kai"
    for role in fonts.ROLES:
        assert fonts.role_families(role)[0] == "Office Test Kai"
    css = fonts.font_face_css()
    assert 'font-family: "Office Test Kai"' in css
    assert tmp_path.as_uri() in css

    item = SimpleNamespace(headline="测试", body_html="<p>中国字体</p>", unit_name="")
    issue, _sections = seed_print_context()
    html = issue_print_html(issue, [SimpleNamespace(name="中国", items=[item])])
    with pdfplumber.open(io.BytesIO(render_pdf(html))) as document:
        body = [c for c in document.pages[0].chars if c["text"] in "中国字体"]
        assert body
        assert all("Office-Test-Kai" in c["fontname"] for c in body)


def test_fonts_dir_font_named_in_a_role_goes_first_in_that_role_only(
    settings, tmp_path
):
    # KaiTi is second in the 楷体 list; an office's copy of it moves to the front.
    _small_cjk_font("KaiTi", tmp_path, "中国")
    settings.BRIEFING_FONTS_DIR = tmp_path
    assert "KaiTi" in fonts.available_cjk_families()
    assert fonts.role_families("kai")[:2] == ["KaiTi", "楷体_GB2312"]
    for role in ("title", "hei", "fangsong"):
        assert "KaiTi" not in fonts.role_families(role)


# ---- what the renderer may read ------------------------------------------------


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()


def _images_in(pdf: bytes) -> int:
    reader = PdfReader(io.BytesIO(pdf))
    count = 0
    for _content, resources in page_resources(reader):
        for xobject in resources.get("/XObject", {}).values():
            count += xobject.get_object().get("/Subtype") == "/Image"
    return count


def test_images_are_read_only_from_the_project_folders(settings, tmp_path):
    media, elsewhere = tmp_path / "media", tmp_path / "elsewhere"
    media.mkdir()
    elsewhere.mkdir()
    (media / "a.png").write_bytes(_png())
    shutil.copy(media / "a.png", elsewhere / "a.png")
    settings.MEDIA_ROOT = media
    issue, _sections = seed_print_context()

    def pdf_with_image(path: Path) -> bytes:
        item = SimpleNamespace(
            headline="图",
            body_html=f'<p>图片<img src="{path.as_uri()}"></p>',
            unit_name="",
        )
        section = SimpleNamespace(name="图片", items=[item])
        return render_pdf(issue_print_html(issue, [section]))

    assert _images_in(pdf_with_image(media / "a.png")) == 1
    assert _images_in(pdf_with_image(elsewhere / "a.png")) == 0

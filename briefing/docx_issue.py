"""The issue as an editable .docx (python-docx), laid out as the PDF as far as
Word allows: A4, the GB/T 9704 margins, a grid of 22 lines × 28 characters,
the red masthead and rule, 【栏目】, run-in headlines, （单位）, "— N —" page
numbers (PAGE fields, odd pages right, even left) and the 版记 at the foot of
the last page.

Fonts are named as offices have them (方正小标宋简体, 黑体, 楷体_GB2312,
仿宋_GB2312); where one is missing, Word or WPS substitutes, and LibreOffice
takes the free fallback fontconfig offers (Noto CJK, LXGW WenKai).

The helpers without a leading underscore (``page_setup``, ``font_table``,
``on_grid``, ``font_run``, ``border``, ``item_body``) also lay out the 上报件
(submissions.docx), so both files share one page and one set of fonts.
"""

import io
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.etree
import lxml.html
from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.image.image import Image as DocxImage
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

FONTS = {
    "title": "方正小标宋简体",
    "hei": "黑体",
    "kai": "楷体_GB2312",
    "fangsong": "仿宋_GB2312",
}
# The free font each falls back to (the font table's altName), as in print.
FALLBACKS = {
    "title": "Noto Serif CJK SC",
    "hei": "Noto Sans CJK SC",
    "kai": "LXGW WenKai",
    "fangsong": "Noto Serif CJK SC",
}
RED = RGBColor(0xE6, 0x00, 0x12)
LINE = Pt(28.95)
TYPE_WIDTH = Mm(156)
# The 版记's floating table: LibreOffice lays one nearly as wide as the type
# area inline instead of at the foot, so it is 5 mm narrower, centred.
FOOT_WIDTH = Mm(151)
OUTSET = (TYPE_WIDTH - FOOT_WIDTH) // 2

_TEXT_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "figcaption"}

# What may follow an element in w:pPr / w:rPr: Word refuses a file whose
# children are out of the schema's order.
_PPR_ORDER = (
    "w:pBdr w:shd w:tabs w:suppressAutoHyphens w:kinsoku w:wordWrap "
    "w:overflowPunct w:topLinePunct w:autoSpaceDE w:autoSpaceDN w:bidi "
    "w:adjustRightInd w:snapToGrid w:spacing w:ind w:contextualSpacing "
    "w:mirrorIndents w:suppressOverlap w:jc w:textDirection w:textAlignment "
    "w:textboxTightWrap w:outlineLvl w:divId w:cnfStyle w:rPr w:sectPr w:pPrChange"
).split()
_RPR_AFTER_SPACING = (
    "w:w w:kern w:position w:sz w:szCs w:highlight w:u w:effect w:bdr w:shd "
    "w:fitText w:vertAlign w:rtl w:cs w:em w:lang w:eastAsianLayout "
    "w:specVanish w:oMath"
).split()


def _in_order(parent, element, order):
    """Put ``element`` into ``parent`` where the schema's ``order`` wants it."""
    tag = element.tag.split("}")[1]
    later = order[order.index(f"w:{tag}") + 1 :]
    parent.insert_element_before(element, *later)
    return element


def _letter_spacing(properties, twentieths: int):
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(twentieths))
    properties.insert_element_before(spacing, *_RPR_AFTER_SPACING)


def _text(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def blocks_of(html: str) -> list[tuple[str, object]]:
    """An item's (sanitised, images_for_print) HTML as the .docx lays it out,
    in order: ("text", str), ("image", Path) or ("table", rows of cell texts)."""
    root = lxml.html.fragment_fromstring(html or "", create_parent="div")
    blocks = []
    if (root.text or "").strip():
        blocks.append(("text", re.sub(r"\s+", " ", root.text).strip()))

    def image(element):
        src = urlsplit(element.get("src", ""))
        path = Path(unquote(src.path))
        if src.scheme == "file" and path.is_file():
            blocks.append(("image", path))

    def walk(parent):
        for child in parent.iterchildren(tag=lxml.etree.Element):
            if child.tag == "table":
                rows = [
                    [_text(cell) for cell in row if cell.tag in ("td", "th")]
                    for row in child.iter("tr")
                ]
                blocks.append(("table", [row for row in rows if row]))
            elif child.tag == "img":
                image(child)
            elif child.tag in _TEXT_BLOCKS:
                if text := _text(child):
                    blocks.append(("text", text))
                for element in child.iter("img"):
                    image(element)
            else:  # figure, ul, ol, blockquote, div
                walk(child)

    walk(root)
    return blocks


def font_run(run, role: str, size: float, *, bold=False, colour=None):
    """Set ``run`` in one of FONTS' roles (title, hei, kai, fangsong)."""
    run.font.name = FONTS[role]
    run.font.size = Pt(size)
    run.font.bold = bold
    # Word takes Chinese characters from the East Asian font slot.
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), FONTS[role])
    if colour is not None:
        run.font.color.rgb = colour
    return run


def on_grid(paragraph, lines=1, *, indent=False, align=None):
    """Make ``paragraph`` exactly ``lines`` grid lines high (28.95 pt each)."""
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28.95 * lines)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.widow_control = False  # 22 lines on every full page, as in the PDF
    if indent:
        # Two character cells, whatever the cell is on the grid.
        ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), "200")
        ind.set(qn("w:firstLine"), str(round(2 * 15.75 * 20)))
    if align is not None:
        paragraph.alignment = align
    return paragraph


def border(paragraph, side: str, eighths: int, colour: str):
    """A rule on one side of ``paragraph`` (width in eighths of a point)."""
    properties = paragraph._p.get_or_add_pPr()
    borders = properties.find(qn("w:pBdr"))
    if borders is None:
        borders = _in_order(properties, OxmlElement("w:pBdr"), _PPR_ORDER)
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(eighths))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), colour)
    borders.append(line)


def _page_number(footer, align):
    paragraph = footer.paragraphs[0]
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Pt(14)
    font_run(paragraph.add_run("— "), "fangsong", 14)
    field = font_run(paragraph.add_run(), "fangsong", 14)
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        field._element.append(element)
    font_run(paragraph.add_run(" —"), "fangsong", 14)


def page_setup(document):
    """A4, the GB/T 9704 margins, 22 lines × 28 characters, page numbers."""
    section = document.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    # The number's top 7 mm below the type area.
    section.footer_distance = Mm(35 - 7) - Pt(14)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    # 22 lines a page. The 28 characters a line come from the body's letter
    # spacing (below): a character grid makes LibreOffice give each 16 pt
    # character two cells.
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), "579")  # 28.95 pt in twentieths
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)

    normal = document.styles["Normal"]
    normal.font.name = FONTS["fangsong"]
    normal.font.size = Pt(16)
    properties = normal.element.get_or_add_rPr()
    properties.get_or_add_rFonts().set(qn("w:eastAsia"), FONTS["fangsong"])
    # 28 characters of 16 pt in 156 mm: each cell 0.25 pt narrower.
    _letter_spacing(properties, -5)


def font_table(document):
    """Name each office font with its free fallback (w:altName)."""
    from lxml import etree

    part = next(
        part
        for part in document.part.package.iter_parts()
        if part.partname == "/word/fontTable.xml"
    )
    table = etree.fromstring(part.blob)
    for role, name in FONTS.items():
        font = etree.SubElement(table, qn("w:font"))
        font.set(qn("w:name"), name)
        alt = etree.SubElement(font, qn("w:altName"))
        alt.set(qn("w:val"), FALLBACKS[role])
        charset = etree.SubElement(font, qn("w:charset"))
        charset.set(qn("w:val"), "86")  # GB2312
    part._blob = etree.tostring(table, xml_declaration=True, standalone=True)


def _masthead(document, issue):
    """Six grid lines (seven with the 份号 line of a classified issue)."""
    if issue.numbered:
        on_grid(document.add_paragraph())
    note = on_grid(document.add_paragraph())
    if issue.marking:
        font_run(note.add_run(issue.marking), "hei", 14)
    title = on_grid(document.add_paragraph(), 2, align=WD_ALIGN_PARAGRAPH.CENTER)
    # Its own exact height: on the grid, 42 pt would round up to three lines.
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    _in_order(title._p.get_or_add_pPr(), snap, _PPR_ORDER)
    name = font_run(
        title.add_run(issue.publication_name), "title", 42, bold=True, colour=RED
    )
    # Spaced out as in print (0.3 em).
    _letter_spacing(name._element.get_or_add_rPr(), round(0.3 * 42 * 20))
    number = on_grid(document.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER)
    font_run(number.add_run(issue.number_label), "fangsong", 16)
    if issue.is_correction:
        font_run(number.add_run("　更正版"), "hei", 16, colour=RED)
    imprint = on_grid(document.add_paragraph())
    imprint.paragraph_format.left_indent = Pt(16)
    imprint.paragraph_format.tab_stops.add_tab_stop(
        TYPE_WIDTH - Pt(32), WD_TAB_ALIGNMENT.RIGHT
    )
    font_run(imprint.add_run(f"{issue.office_name}\t{issue.date_label}"), "kai", 16)
    # The red rule, then the rest of the sixth line.
    rule = on_grid(document.add_paragraph())
    border(rule, "top", 12, "E60012")


def _picture(document, path):
    try:
        width = min(DocxImage.from_file(str(path)).width, TYPE_WIDTH)
    except Exception:  # noqa: BLE001 - python-docx reads fewer images than browsers
        return  # the PDF shows it; the .docx goes out without it, not not at all
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = 0
    paragraph.add_run().add_picture(str(path), width=width)


def _table(document, rows):
    table = document.add_table(rows=len(rows), cols=max(len(row) for row in rows))
    table.style = "Table Grid"
    for cells, row in zip(table.rows, rows, strict=True):
        for cell, text in zip(cells.cells, row, strict=False):
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = 0
            font_run(paragraph.add_run(text), "fangsong", 12)


def item_body(document, html, *, unit_name="", headline=""):
    """An item's text (sanitised HTML, images_for_print), photos and tables.
    A ``headline`` runs into the first paragraph and （单位） ends the last, as
    in print; each gets a paragraph of its own next to an image or a table."""
    blocks = blocks_of(html)
    if headline and (not blocks or blocks[0][0] != "text"):
        blocks.insert(0, ("text", ""))
    if unit_name and (not blocks or blocks[-1][0] != "text"):
        blocks.append(("text", ""))
    for index, (kind, value) in enumerate(blocks):
        if kind == "image":
            _picture(document, value)
        elif kind == "table":
            _table(document, value)
        else:
            paragraph = on_grid(document.add_paragraph(), indent=True)
            if index == 0 and headline:
                font_run(paragraph.add_run(headline), "hei", 16)
                font_run(paragraph.add_run("\u3000"), "fangsong", 16)
            font_run(paragraph.add_run(value), "fangsong", 16)
            if index == len(blocks) - 1 and unit_name:
                font_run(paragraph.add_run(f"（{unit_name}）"), "fangsong", 16)


def _items(document, sections):
    for section in sections:
        heading = on_grid(document.add_paragraph())
        heading.paragraph_format.keep_with_next = True
        font_run(heading.add_run(f"【{section.name}】"), "hei", 16)
        for item in section.items:
            item_body(
                document,
                item.body_html,
                unit_name=item.unit_name,
                headline=item.headline,
            )


def _foot_table(document):
    """A one-cell table that floats to the foot of the type area of the page
    it falls on (w:tblpPr), FOOT_WIDTH wide, centred, with no cell padding."""
    table = document.add_table(rows=1, cols=1)
    table.autofit = False
    table.columns[0].width = table.cell(0, 0).width = FOOT_WIDTH
    properties = table._tbl.tblPr
    floating = OxmlElement("w:tblpPr")
    for name, value in (
        ("vertAnchor", "margin"),
        ("tblpYSpec", "bottom"),
        ("horzAnchor", "margin"),
        ("tblpXSpec", "center"),
    ):
        floating.set(qn(f"w:{name}"), value)
    style = properties.find(qn("w:tblStyle"))
    properties.insert(0 if style is None else 1, floating)
    width = properties.find(qn("w:tblW"))
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(round(FOOT_WIDTH.pt * 20)))
    padding = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), "0")
        margin.set(qn("w:type"), "dxa")
        padding.append(margin)
    properties.find(qn("w:tblLayout")).addnext(padding)
    # A floating table is anchored to the paragraph after it.
    anchor = document.add_paragraph().paragraph_format
    anchor.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    anchor.line_spacing = Pt(1)
    return table.cell(0, 0)


def _colophon(document, issue):
    """The 版记 at the foot of the last page: thick rule, lines, thin rule,
    （共印×份）, thick rule. Indents are measured from the type area, as in
    print, so they are OUTSET less inside the narrower table."""
    cell = _foot_table(document)
    for index, text in enumerate(issue.distribution_lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        fmt = on_grid(paragraph).paragraph_format
        fmt.left_indent, fmt.right_indent = Pt(28) - OUTSET, Pt(14) - OUTSET
        fmt.first_line_indent = Pt(-14)
        if index == 0:
            border(paragraph, "top", 8, "000000")
        font_run(paragraph.add_run(text), "fangsong", 14)
    copies = on_grid(cell.add_paragraph(), align=WD_ALIGN_PARAGRAPH.RIGHT)
    copies.paragraph_format.right_indent = Pt(14) - OUTSET
    border(copies, "top", 6, "000000")
    border(copies, "bottom", 8, "000000")
    font_run(copies.add_run(f"（共印{issue.copies}份）"), "fangsong", 14)


def issue_docx(issue, sections) -> bytes:
    """The .docx of an issue from the print template's ``issue`` and
    ``sections`` (briefing.selectors.issues.print_context)."""
    document = Document()
    page_setup(document)
    font_table(document)
    # Document() starts with no paragraph; the masthead is the first.
    _masthead(document, issue)
    _items(document, sections)
    _colophon(document, issue)
    document.core_properties.title = f"{issue.publication_name} {issue.number_label}"
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()

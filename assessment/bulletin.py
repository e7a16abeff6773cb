"""The monthly 通报: its figures (a JSON snapshot), default text, PDF and .docx."""

import io

from django.template.loader import render_to_string

from briefing import fonts
from briefing.models import Publication
from briefing.pdf import render_pdf
from briefing.print_layout import print_css

from . import selectors
from .periods import Period
from .scoring import fmt

TEMPLATE = "assessment/print/bulletin.html"


def title_for(year: int, month: int) -> str:
    return f"关于{year}年{month}月份政务信息报送情况的通报"


def default_office_name() -> str:
    publication = Publication.objects.filter(is_active=True).order_by("id").first()
    return publication.office_name if publication else "县委办公室"


def _rate(rate) -> str:
    return "—" if rate is None else f"{fmt(rate * 100)}%"


def snapshot(year: int, month: int, today=None) -> dict:
    """The month's figures as plain JSON: totals, ranking, quota, records."""
    period = Period.month(year, month)
    stats = selectors.unit_statistics(period, today=today)
    higher, instructions = selectors.month_records(period)
    totals = stats.totals
    return {
        "period": period.label,
        "totals": {
            "units": len(stats.rows),
            "submitted": fmt(totals["submitted"]),
            "adopted": fmt(totals["adopted"]),
            "published": fmt(totals["published"]),
            "rate": _rate(totals["adoption_rate"]),
            "higher": fmt(totals["higher_total"]),
            "instructions": fmt(totals["instruction_total"]),
        },
        "ranking": [
            {
                "rank": row.rank,
                "unit": row.department.short_name,
                "submitted": fmt(row.submitted),
                "adopted": fmt(row.adopted),
                "rate": _rate(row.adoption_rate),
                "higher": fmt(row.higher_total),
                "instructions": fmt(row.instruction_total),
                "score": fmt(row.score),
                "lines": [line.text for line in row.lines],
            }
            for row in stats.rows
        ],
        "missed": [
            {
                "unit": row.department.short_name,
                "submitted": fmt(missed.submitted),
                "quota": missed.quota,
                "note": missed.note,
            }
            for row in stats.rows
            for missed in row.missed
        ],
        "higher": [
            {
                "title": record.item.title,
                "unit": record.item.department.short_name,
                "level": record.level.short_name,
                "publication": record.publication,
                "date": f"{record.adopted_on:%Y-%m-%d}",
            }
            for record in higher
        ],
        "instructions": [
            {
                "title": record.item.title,
                "unit": record.item.department.short_name,
                "level": record.level.short_name,
                "leader": record.leader,
                "date": f"{record.instructed_on:%Y-%m-%d}",
            }
            for record in instructions
        ],
    }


def default_intro(year: int, month: int, data: dict) -> str:
    t = data["totals"]
    return (
        f"{year}年{month}月，全县{t['units']}个单位共报送政务信息{t['submitted']}条，"
        f"县《工作简报》采用{t['adopted']}条，采用率{t['rate']}；"
        f"被上级采用{t['higher']}条，获领导批示{t['instructions']}次。"
        "现将有关情况通报如下。"
    )


DEFAULT_CLOSING = (
    "请各单位进一步提高认识，明确专人负责，紧扣县委、县政府中心工作，"
    "及时报送有深度、有分量的政务信息。未完成报送任务的单位要认真分析原因，"
    "切实加以改进。"
)


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _context(bulletin) -> dict:
    return {
        "bulletin": bulletin,
        "data": bulletin.data,
        "intro": paragraphs(bulletin.intro),
        "closing": paragraphs(bulletin.closing),
        "date_label": f"{bulletin.issue_date.year}年{bulletin.issue_date.month}月"
        f"{bulletin.issue_date.day}日",
    }


def bulletin_html(bulletin) -> str:
    """The complete print HTML (CSS inlined) in the briefing's official layout."""
    return render_to_string(
        TEMPLATE,
        {**_context(bulletin), "font_css": fonts.font_css(), "print_css": print_css()},
    )


def bulletin_pdf(bulletin) -> bytes:
    """PDF bytes; raises briefing.pdf.PdfRenderError with a Chinese message."""
    return render_pdf(bulletin_html(bulletin))


def bulletin_docx(bulletin) -> bytes:
    """The same document as Word (.docx), for offices that edit it further.

    Rendered on demand, also once issued: the figures are frozen in
    ``Bulletin.data`` and the text can no longer change; only the PDF, the
    official copy, is stored with its SHA-256 at 印发.
    """
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    context = _context(bulletin)
    data = bulletin.data
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)

    def run_font(run, family, size):
        run.font.name = family
        run.font.size = Pt(size)
        run._element.rPr.rFonts.set(qn("w:eastAsia"), family)

    def para(text, family="仿宋_GB2312", size=16, indent=True, align=None):
        paragraph = document.add_paragraph()
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(size * 2)
        if align is not None:
            paragraph.alignment = align
        run_font(paragraph.add_run(text), family, size)
        return paragraph

    para(bulletin.title, "方正小标宋简体", 22, False, WD_ALIGN_PARAGRAPH.CENTER)
    para(bulletin.recipients, indent=False)
    for text in context["intro"]:
        para(text)

    para("一、各单位报送及得分情况", "黑体")
    columns = ["名次", "单位", "报送", "采用", "采用率", "上级采用", "批示", "得分"]
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, name in zip(table.rows[0].cells, columns, strict=True):
        cell.text = name
    for row in data.get("ranking", []):
        cells = table.add_row().cells
        values = [
            str(row["rank"]),
            row["unit"],
            row["submitted"],
            row["adopted"],
            row["rate"],
            row["higher"],
            row["instructions"],
            row["score"],
        ]
        for cell, value in zip(cells, values, strict=True):
            cell.text = value

    para("二、未完成报送任务的单位", "黑体")
    missed = data.get("missed", [])
    if missed:
        para(
            "、".join(f"{m['unit']}（报送{m['submitted']}条）" for m in missed)
            + f"未完成每月{missed[0]['quota']}条的报送任务，{missed[0]['note']}。"
        )
    else:
        para("本月各单位均完成报送任务。")

    para("三、上级采用和领导批示情况", "黑体")
    records = data.get("higher", []) + data.get("instructions", [])
    if not records:
        para("本月无上级采用和领导批示。")
    for record in data.get("higher", []):
        para(
            f"{record['unit']}报送的《{record['title']}》被{record['level']}"
            f"{record['publication']}采用（{record['date']}）。"
        )
    for record in data.get("instructions", []):
        para(
            f"{record['unit']}报送的《{record['title']}》获{record['leader']}批示"
            f"（{record['level']}，{record['date']}）。"
        )
    for text in context["closing"]:
        para(text)
    para(bulletin.office_name, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(context["date_label"], indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

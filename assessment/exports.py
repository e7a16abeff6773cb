"""The statistics table as Excel (openpyxl) and CSV, with the score lines."""

import csv
import io
from decimal import Decimal

from audit.export import safe_text

from .scoring import fmt


def _columns(levels):
    columns = [
        ("名次", "rank"),
        ("单位", "unit"),
        ("报送量", "submitted"),
        ("采用量", "adopted"),
        ("采用率", "rate"),
        ("刊发", "published"),
        ("退回", "returned"),
        ("未采用", "not_used"),
    ]
    higher = [level for level in levels if not level.is_county]
    columns += [(f"{level.short_name}采用", ("higher", level.pk)) for level in higher]
    columns += [(level.instruction_label, ("instr", level.pk)) for level in levels]
    columns += [("得分", "score"), ("得分明细", "lines")]
    return columns


def _value(row, key):
    if isinstance(key, tuple):
        source = row.higher if key[0] == "higher" else row.instructions
        return source.get(key[1], 0)
    if key == "rank":
        return row.rank
    if key == "unit":
        return row.department.short_name
    if key == "rate":
        return _rounded_rate(row.adoption_rate)
    if key == "score":
        return row.score
    if key == "lines":
        return "，".join(line.text for line in row.lines)
    return getattr(row, key)


def _rounded_rate(rate):
    """The rate as the page shows it (33.33%), so Excel holds the same figure."""
    if rate is None:
        return None
    return Decimal(fmt(rate * 100)) / 100


def _total(stats, key):
    totals = stats.totals
    if isinstance(key, tuple):
        return totals["higher" if key[0] == "higher" else "instructions"][key[1]]
    if key == "rank":
        return None
    if key == "unit":
        return "合计"
    if key == "rate":
        return _rounded_rate(totals["adoption_rate"])
    if key == "lines":
        return ""
    return totals[key]


def xlsx_bytes(stats) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    columns = _columns(stats.levels)
    book = Workbook()
    sheet = book.active
    sheet.title = "考核统计"
    sheet.append([safe_text(name) for name, _ in columns])
    for row in stats.rows:
        sheet.append([_cell(_value(row, key)) for _, key in columns])
    sheet.append([_cell(_total(stats, key)) for _, key in columns])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="EEF1F4")
        cell.alignment = Alignment(horizontal="center")
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for index, (name, key) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        width = {"rate": 10, "rank": 6, "unit": 16, "lines": 80}.get(
            key, max(9, len(name) * 2 + 2)
        )
        sheet.column_dimensions[letter].width = width
        for cell in sheet[letter][1:]:
            cell.number_format = _number_format(key, cell.value)
    info = book.create_sheet("说明")
    info.append(["统计期间", stats.period.label])
    for name, key in columns:
        info.append([safe_text(name), safe_text(_explanation(key, name))])
    info.column_dimensions["A"].width = 16
    info.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# What each column means, for the 说明 sheet (a 合报 item counts for each unit
# credited by its share, so counts may be halves or thirds).
EXPLANATIONS = {
    "rank": "按得分从高到低排列的名次；得分、采用量、报送量都相同的名次相同",
    "unit": "报送单位简称；最后一行为各单位合计",
    "submitted": "稿件首次报送到县委办（单位审核通过）的条数，合报按份额计",
    "adopted": (
        "被本县《工作简报》采用（含已刊发）的条数，以最后一次采用时间计，合报按份额计"
    ),
    "rate": "采用量 ÷ 报送量，以百分数显示，保留两位小数；没有报送时为空",
    "published": "已在《工作简报》刊发的稿件条数，以刊发时间计，合报按份额计",
    "returned": (
        "被县委办退回单位修改的稿件条数，同一稿件期间内多次退回只计一次，合报按份额计"
    ),
    "not_used": (
        "县委办决定不予采用（目前仍为未采用）的条数，以作出决定的时间计，合报按份额计"
    ),
    "score": (
        "按统计期间内适用的计分规则算出的得分，含未完成报送任务和约稿未报、迟报的扣分"
    ),
    "lines": (
        "得分的组成：各级采用、批示的条数×分值，以及各月未完成任务、约稿未报和迟报的扣分"
    ),
}


def _explanation(key, name) -> str:
    if isinstance(key, tuple):
        level = name.removesuffix("采用") if key[0] == "higher" else name
        if key[0] == "higher":
            return f"被{level}刊物采用的条数（编辑录入的上级采用记录），以采用日期计"
        return f"获{level}的条数（编辑录入的批示记录），以批示日期计"
    return EXPLANATIONS[key]


def _number_format(key, value) -> str:
    """Whole numbers as 2 (not "2."), shares as 0.5 or 0.33, the rate as 33.33%."""
    if key == "rate":
        return "0.00%"
    if key in ("unit", "lines"):
        return "@"
    if isinstance(value, int | float) and value != int(value):
        return "0.0#"
    return "0"


def _cell(value):
    if isinstance(value, Decimal):
        return float(value)
    return safe_text(value)


def csv_text(stats) -> str:
    columns = _columns(stats.levels)
    out = io.StringIO()
    # A BOM so that Excel opens the Chinese text in the right encoding.
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([safe_text(name) for name, _ in columns])

    def text(value, key):
        if value is None:
            return "" if key != "rate" else "—"
        if key == "rate":
            return f"{fmt(value * 100)}%"
        if isinstance(value, int | float) or hasattr(value, "quantize"):
            return fmt(value)
        return safe_text(str(value))

    for row in stats.rows:
        writer.writerow([text(_value(row, key), key) for _, key in columns])
    writer.writerow([text(_total(stats, key), key) for _, key in columns])
    return out.getvalue()

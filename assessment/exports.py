"""The statistics table as Excel (openpyxl) and CSV, with the score lines."""

import csv
import io

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
        return row.adoption_rate
    if key == "score":
        return row.score
    if key == "lines":
        return "，".join(line.text for line in row.lines)
    return getattr(row, key)


def _total(stats, key):
    totals = stats.totals
    if isinstance(key, tuple):
        return totals["higher" if key[0] == "higher" else "instructions"][key[1]]
    if key == "rank":
        return None
    if key == "unit":
        return "合计"
    if key == "rate":
        return totals["adoption_rate"]
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
    sheet.append([name for name, _ in columns])
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
        if key == "rate":
            number_format, width = "0.0%", 10
        elif key == "rank":
            number_format, width = "0", 6
        elif key == "unit":
            number_format, width = "@", 16
        elif key == "lines":
            number_format, width = "@", 80
        else:
            number_format, width = "0.##", max(9, len(name) * 2 + 2)
        sheet.column_dimensions[letter].width = width
        for cell in sheet[letter][1:]:
            cell.number_format = number_format
    info = book.create_sheet("说明")
    info.append(["统计期间", stats.period.label])
    info.append(["报送量", "稿件首次报送到县委办（单位审核通过）的条数，合报按份额计"])
    info.append(["采用量", "被本县《工作简报》采用的条数，以最后一次采用时间计"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value):
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    return value


def csv_text(stats) -> str:
    columns = _columns(stats.levels)
    out = io.StringIO()
    # A BOM so that Excel opens the Chinese text in the right encoding.
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([name for name, _ in columns])

    def text(value, key):
        if value is None:
            return "" if key != "rate" else "—"
        if key == "rate":
            return f"{fmt(value * 100)}%"
        if isinstance(value, int | float) or hasattr(value, "quantize"):
            return fmt(value)
        return str(value)

    for row in stats.rows:
        writer.writerow([text(_value(row, key), key) for _, key in columns])
    writer.writerow([text(_total(stats, key), key) for _, key in columns])
    return out.getvalue()

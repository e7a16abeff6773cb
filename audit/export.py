"""The audit trail as CSV or Excel, for the auditor."""

import csv
import io

from django.utils import timezone
from openpyxl import Workbook

from .labels import action_label, object_type_label

# Codes and their Chinese names side by side: auditors read the names and filter
# by the codes.
COLUMNS = [
    ("时间", lambda e: timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S")),
    ("用户名", lambda e: e.username),
    ("角色", lambda e: e.role),
    ("操作", lambda e: e.action),
    ("操作名称", lambda e: action_label(e.action)),
    ("对象类型", lambda e: e.object_type),
    ("对象类型名称", lambda e: object_type_label(e.object_type)),
    ("对象编号", lambda e: e.object_id),
    ("结果", lambda e: e.get_result_display()),
    ("说明", lambda e: e.reason),
    ("来源地址", lambda e: e.source_ip or ""),
    ("请求编号", lambda e: e.request_id),
]


def safe_text(value):
    """A text cell of any export (CSV or Excel) that a spreadsheet never reads
    as a formula (CSV injection): text beginning with = + - @ TAB or CR gets a
    leading apostrophe. Numbers are not text and pass unchanged.

    Names in exports are typed by users (a failed login's user name, a unit's
    short name): ``=HYPERLINK(...)`` must stay text.
    """
    if isinstance(value, str) and value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def rows(events):
    yield [title for title, _ in COLUMNS]
    for event in events.iterator(chunk_size=2000):
        yield [safe_text(str(get(event))) for _, get in COLUMNS]


def as_csv(events) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(rows(events))
    # With the BOM, Excel opens UTF-8 Chinese text correctly.
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(events) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("审计事件")
    for row in rows(events):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

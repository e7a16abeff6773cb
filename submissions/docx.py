"""The 上报件 as .docx, in the city's usual layout for items sent up: the same
A4 page, grid and fonts as the issue's .docx (briefing.docx_issue), a header
of 报送单位, date, 联系人 and phone over a red rule, then each item with its
title centred in 方正小标宋简体 and its body in 仿宋_GB2312 ending in （单位）.
Several items in one file each begin on a new page."""

import io
import re

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT

from briefing.docx_issue import (
    TYPE_WIDTH,
    border,
    font_run,
    font_table,
    item_body,
    on_grid,
    page_setup,
)
from briefing.selectors.issues import date_label
from briefing.uploads import images_for_print

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _header(document, submission):
    sent_on = date_label(timezone.localdate(submission.sent_at))
    for left, right in (
        (f"报送单位：{submission.office_name}", sent_on),
        (
            f"联 系 人：{submission.contact_name}",
            f"联系电话：{submission.contact_phone}",
        ),
    ):
        line = on_grid(document.add_paragraph())
        line.paragraph_format.tab_stops.add_tab_stop(TYPE_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
        font_run(line.add_run(f"{left}\t{right}"), "kai", 16)
    rule = on_grid(document.add_paragraph())
    border(rule, "top", 12, "E60012")


def _entry(document, entry, *, new_page: bool):
    # Two lines for the 二号 title, as 公文 titles are set.
    title = on_grid(document.add_paragraph(), 2, align=WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.page_break_before = new_page
    font_run(title.add_run(entry.title), "title", 22)
    item_body(document, images_for_print(entry.body), unit_name=entry.unit_name)


def submission_docx(submission, entries) -> bytes:
    """One .docx holding ``entries`` (SubmissionItem rows) under the header."""
    document = Document()
    page_setup(document)
    font_table(document)
    _header(document, submission)
    for index, entry in enumerate(entries):
        _entry(document, entry, new_page=index > 0)
    document.core_properties.title = (
        entries[0].title if len(entries) == 1 else f"报{submission.recipient}信息"
    )
    document.core_properties.author = submission.office_name
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def _safe(text: str, limit=30) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "", text)[:limit] or "上报件"


def combined_name(submission) -> str:
    day = timezone.localdate(submission.sent_at)
    return f"上报件-{day:%Y%m%d}-{_safe(submission.recipient)}.docx"


def entry_name(entry) -> str:
    return f"上报件-{_safe(entry.title)}.docx"


def files_of(submission, entries) -> list[tuple[str, bytes]]:
    """The files of a 上报 as its layout says: one, or one per item."""
    if submission.layout == submission.Layout.PER_ITEM:
        return [(entry_name(e), submission_docx(submission, [e])) for e in entries]
    return [(combined_name(submission), submission_docx(submission, entries))]

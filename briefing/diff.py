"""Side-by-side comparison of two revisions, insertions and deletions marked."""

import difflib
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from briefing.sanitize import html_to_text


@dataclass
class DiffRow:
    kind: str  # "equal", "replace", "delete", "insert"
    left: SafeString
    right: SafeString


def _mark(tag, text):
    return f"<{tag}>{escape(text)}</{tag}>" if text else ""


def _inline(old: str, new: str) -> tuple[str, str]:
    """Character-level diff (Chinese has no spaces between words)."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    left, right = [], []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            left.append(escape(old[i1:i2]))
            right.append(escape(new[j1:j2]))
        else:
            left.append(_mark("del", old[i1:i2]))
            right.append(_mark("ins", new[j1:j2]))
    return "".join(left), "".join(right)


def paragraphs(title: str, body: str) -> list[str]:
    return [title.strip(), *html_to_text(body).splitlines()]


def diff_rows(old_title, old_body, new_title, new_body) -> list[DiffRow]:
    """Rows of (left, right) HTML: the old text on the left, the new on the right."""
    old = paragraphs(old_title, old_body)
    new = paragraphs(new_title, new_body)
    rows = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for line in old[i1:i2]:
                rows.append(DiffRow("equal", escape(line), escape(line)))
            continue
        left_lines, right_lines = old[i1:i2], new[j1:j2]
        for n in range(max(len(left_lines), len(right_lines))):
            a = left_lines[n] if n < len(left_lines) else None
            b = right_lines[n] if n < len(right_lines) else None
            if a is not None and b is not None:
                left, right = _inline(a, b)
                rows.append(DiffRow("replace", mark_safe(left), mark_safe(right)))
            elif a is not None:
                rows.append(DiffRow("delete", mark_safe(_mark("del", a)), ""))
            else:
                rows.append(DiffRow("insert", "", mark_safe(_mark("ins", b))))
    return rows

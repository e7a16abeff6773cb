"""Paste hygiene: what pasting from Word, a PDF or another item leaves behind.

Runs on every save, right after the sanitiser (briefing.services.items), on
sanitised HTML. It removes what the print would duplicate or show as a gap:

- a first paragraph that is the title again (or starts with the title and a gap:
  the headline of a copied printout);
- empty paragraphs, and blank space at the start or end of a paragraph (the print
  indents every paragraph itself);
- a （单位） at the very end (the print adds the item's unit anyway);

and flags another unit's name in the text. It also counts characters the way
Chinese offices count 字数.
"""

import html
import re
from dataclasses import dataclass, field

_P_RE = re.compile(r"<p\b[^>]*>(.*?)</p>", re.DOTALL)
_INLINE = r"(?:strong|b|em|i|u|s|sub|sup|a)"
_BLANK = r"(?:\s|&nbsp;|&#160;|<br\s*/?>)"
_EMPTY_P_RE = re.compile(rf"<p\b[^>]*>(?:{_BLANK}|</?{_INLINE}\b[^>]*>)*</p>")
_LEADING_BLANK_RE = re.compile(rf"\A((?:<{_INLINE}\b[^>]*>)*){_BLANK}+")
_TRAILING_BLANK_RE = re.compile(rf"{_BLANK}+((?:</{_INLINE}>)*)\Z")
# A token of HTML: a tag, an entity (one character of text) or one character.
_TOKEN_RE = re.compile(r"<[^>]*>|&#?\w+;|.", re.DOTALL)
_TRAILING_UNIT_RE = re.compile(r"[（(]\s*([^（）()]{1,50}?)\s*[）)]\s*\Z")


def char_count(text: str) -> int:
    """字数 as offices count it: every character but white space (CJK characters,
    letters, digits and punctuation each count one)."""
    return sum(1 for char in text if not char.isspace())


def length_note(count: int, guide: int | None) -> str:
    """ "正文 N 字", with the publication's guide and by how much it is exceeded."""
    note = f"正文 {count} 字"
    if guide and count > guide:
        return f"{note}（建议不超过 {guide} 字，已超出 {count - guide} 字）"
    if guide:
        return f"{note}（建议不超过 {guide} 字）"
    return note


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", fragment))


def _squeeze(text: str) -> str:
    return re.sub(r"\s", "", text)


def _drop_text(fragment: str, count: int, *, from_end: bool = False) -> str:
    """``fragment`` less its first (or last) ``count`` characters of text; the
    tags around them stay."""
    tokens = _TOKEN_RE.findall(fragment)
    order = range(len(tokens) - 1, -1, -1) if from_end else range(len(tokens))
    for index in order:
        if count == 0:
            break
        if not tokens[index].startswith("<"):
            tokens[index] = ""
            count -= 1
    return "".join(tokens)


def _trim(inner: str) -> str:
    previous = None
    while previous != inner:
        previous = inner
        inner = _LEADING_BLANK_RE.sub(r"\1", inner)
        inner = _TRAILING_BLANK_RE.sub(r"\1", inner)
    return inner


@dataclass
class Tidied:
    """The tidied body and what was done to it (Chinese, for the form)."""

    body: str
    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return "已自动处理：" + "；".join(self.changes) if self.changes else ""


@dataclass(frozen=True)
class UnitNames:
    """Every unit's full and short name, and which of them are the item's own."""

    own: frozenset
    others: dict  # name → the short name to show

    @property
    def every(self) -> frozenset:
        return self.own | frozenset(self.others)


def tidy_body(title: str, body: str, units: UnitNames) -> Tidied:
    """Clean pasted leftovers out of a sanitised ``body``; see the module doc."""
    result = Tidied(body)
    if not body:
        return result
    title = (title or "").strip()

    def trim_paragraph(match):
        inner = _trim(match.group(1))
        if inner != match.group(1) and inner:
            trimmed.append(1)
        start = match.start(1) - match.start()
        return f"{match.group(0)[:start]}{inner}</p>"

    trimmed: list[int] = []
    body = _P_RE.sub(trim_paragraph, body)
    empties = len(_EMPTY_P_RE.findall(body))
    body = _EMPTY_P_RE.sub("", body).strip()

    first = _P_RE.match(body)
    if title and first:
        text = _text(first.group(1))
        if _squeeze(text) == _squeeze(title):
            body = body[first.end() :].lstrip()
            result.changes.append("删除与标题相同的首段")
        elif text.startswith(title) and text[len(title) : len(title) + 1].isspace():
            gap = len(text[len(title) :]) - len(text[len(title) :].lstrip())
            inner = _trim(_drop_text(first.group(1), len(title) + gap))
            body = f"{body[: first.start(1)]}{inner}{body[first.end(1) :]}"
            result.changes.append("删除首段开头重复的标题")

    units_cut = []
    while paragraphs := list(_P_RE.finditer(body)):
        last = paragraphs[-1]
        if body[last.end() :].strip():
            break  # the body ends with a table or a list, not a paragraph
        unit = _TRAILING_UNIT_RE.search(_text(last.group(1)))
        if unit is None or unit.group(1) not in units.every:
            break
        inner = _trim(_drop_text(last.group(1), len(unit.group(0)), from_end=True))
        units_cut.append(unit.group(1))
        body = f"{body[: last.start(1)]}{inner}{body[last.end(1) :]}"
        if not _text(inner).strip():
            body = (body[: last.start()] + body[last.end() :]).strip()
    if units_cut:
        names = "".join(f"（{name}）" for name in reversed(units_cut))
        result.changes.append(f"删除末尾的{names}（印刷时自动加上本单位名称）")
    if empties:
        result.changes.append(f"删除 {empties} 个空段落")
    if trimmed:
        result.changes.append(f"去掉 {len(trimmed)} 段首尾的空白")

    result.body = body
    mentioned = _other_units_in(_text(body), units)
    if mentioned:
        result.warnings.append(
            "正文中出现了其他单位的名称：" + "、".join(mentioned) + "。"
            "如果是从其他单位的稿件复制的文字，请核对后修改。"
        )
    return result


def _other_units_in(text: str, units: UnitNames) -> list[str]:
    # The item's own names first, longest first, so that 民政局 inside 县民政局
    # (its own full name) is not taken for another unit.
    for name in sorted(units.own, key=len, reverse=True):
        text = text.replace(name, "\0")
    found: dict[str, None] = {}
    for name in sorted(units.others, key=len, reverse=True):
        if name in text:
            found[units.others[name]] = None
            text = text.replace(name, "\0")
    return list(found)

"""“疑似同一事件”: two units' items telling the same event in their own words.

A rewritten report shares few 3-character shingles with the other unit's
(briefing.duplicates finds copies, not this), but it keeps the event's facts:
the day (11月18日), the village or community (王庄村), the names in quotes
(“冬季送温暖”专项行动), the firms (某某有限公司) and the figures with their
units (1200名, 5.6亿元). Two items of different units, submitted within
``WINDOW`` of each other, seem to tell the same event when they share at
least ``MIN_SHARED`` of these facts and their text is at least
``MIN_SIMILARITY`` similar (same topic). Weighing each fact by how rare it
is in the window was tried too: at three shared facts it changed nothing.

Measured with ``python manage.py bench_same_event`` (see there).
"""

import datetime
import re

WINDOW = datetime.timedelta(days=7)
# At least this many facts shared, and this much text similarity
# (briefing.duplicates.similarity: two items on one topic share stock
# phrases, two topics hardly any). Chosen with bench_same_event.
MIN_SHARED = 3
MIN_SIMILARITY = 0.2

_DATE_RE = re.compile(r"(\d{1,2})月(\d{1,2})日")
_QUOTED_RE = re.compile(r"[“\"《]([^”\"》]{2,24})[”\"》]")
_FIRM_RE = re.compile(r"([\u4e00-\u9fff]{2,12}有限(?:责任)?公司)")
# A village or community named after a place word (在王庄村, 榆林乡王庄村), not
# 农业农村局, 完善社区食堂 or 建立村规民约.
_PLACE_RE = re.compile(
    r"(?:在|到|赴|乡|镇|街道|、)([\u4e00-\u9fff]{2})"
    r"(村(?![规民级干医卫务集容落])|社区(?![食服医养卫矫]))"
)
_FIGURE_RE = re.compile(
    r"(\d+(?:\.\d+)?)\s*(?:余|多)?\s*"
    r"(亿元|万元|元|万株|万吨|吨|公里|米|亩|平方米|人次|名|人|户|家|个|所|处|件|起|场次|场|台|辆|套|株|天|%)"
)


def _number(text: str) -> str:
    """12.50 as 12.5, 0120 as 120: one way to write a figure."""
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.lstrip("0") or "0"


def facts(text: str) -> set[str]:
    """The event's facts in ``text``: dates, quoted names, firms, villages
    and communities, figures with their units (“1200余名” is “1200名”)."""
    text = text or ""
    found = {f"日:{int(m)}月{int(d)}日" for m, d in _DATE_RE.findall(text)}
    found |= {f"名:{name}" for name in _QUOTED_RE.findall(text)}
    found |= {f"企:{name}" for name in _FIRM_RE.findall(text)}
    found |= {f"地:{name}{kind}" for name, kind in _PLACE_RE.findall(text)}
    found |= {
        f"数:{_number(number)}{unit}"
        for number, unit in _FIGURE_RE.findall(text)
        if float(number) >= 10 or "." in number
    }
    return found


def labels(shared: set[str]) -> list[str]:
    """The facts as a reader writes them: 10月12日, 王屯村, “金秋助学主题活动”,
    253名; days first, figures last."""
    order = {"日": 0, "地": 1, "名": 2, "企": 3, "数": 4}
    shown = []
    for fact in sorted(shared, key=lambda f: (order[f[0]], f)):
        kind, value = fact.split(":", 1)
        shown.append(f"“{value}”" if kind == "名" else value)
    return shown

"""The demo issue: a real county briefing, parsed from the text of its PDF.

The text (demo/seed-briefing.txt) was extracted from a printed issue, so it keeps
the printed lines: a hard break every 28 characters, a blank line between printed
lines, now and then a stray space at the start of a line. What the layout dropped
has to be inferred: the one-character gap after a headline is a single space, or
nothing at all when it fell at the end of a line.
"""

import re
from html import escape
from pathlib import Path
from types import SimpleNamespace

SEED_FILE = Path(__file__).resolve().parent / "demo" / "seed-briefing.txt"

SECTION_RE = re.compile(r"\A【(.+)】\Z")
DISTRIBUTION_RE = re.compile(r"\A(本期发|报|送|发)：")
UNIT_RE = re.compile(r"（([^（）]+)）\Z")
# The gap after a headline, where it survived: a space between two CJK characters
# (spaces around digits, as in "项目 77 个", are real and stay).
HEADLINE_GAP_RE = re.compile(r"(?<=[^\x00-\x7f])[ \u3000](?=[^\x00-\x7f])")
IDEOGRAPH_RE = re.compile(r"[\u3400-\u9fff]")

# Character cells of a printed line; the first line of an item loses two to the
# indent.
LINE_CELLS = 28
FIRST_LINE_CELLS = LINE_CELLS - 2
# How many printed lines a headline may take before we give up looking for it.
MAX_HEADLINE_LINES = 3


def _cells(line: str) -> float:
    # Digits and Latin letters are about half a cell wide.
    return sum(0.5 if char.isascii() else 1 for char in line)


def _join(lines: list[str]) -> str:
    """Undo the printed line breaks."""
    text = ""
    for line in lines:
        if text and _needs_space(text[-1], line[0]):
            text += " "
        text += line
    return text


def _needs_space(before: str, after: str) -> bool:
    # The text puts a space between a number and a Chinese character ("31 个");
    # when that space fell on a line break it was dropped with the break.
    return (_is_latin_or_digit(before) and _is_ideograph(after)) or (
        _is_ideograph(before) and _is_latin_or_digit(after)
    )


def _is_latin_or_digit(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _is_ideograph(char: str) -> bool:
    return bool(IDEOGRAPH_RE.match(char))


def _split_headline(lines: list[str]) -> tuple[str, str]:
    for index, line in enumerate(lines[:MAX_HEADLINE_LINES]):
        if gap := HEADLINE_GAP_RE.search(line):
            headline = _join([*lines[:index], line[: gap.start()]])
            body = _join([line[gap.end() :], *lines[index + 1 :]])
            return headline, body
        cells = FIRST_LINE_CELLS if index == 0 else LINE_CELLS
        is_last = index == len(lines) - 1
        if not is_last and not any(c.isascii() for c in line) and _cells(line) < cells:
            # A short line of Chinese inside an item: the gap fell at its end.
            return _join(lines[: index + 1]), _join(lines[index + 1 :])
    raise ValueError(f"找不到稿件标题与正文的分隔：{lines[0]}")


def _ends_item(line: str, next_line: str | None) -> bool:
    if not UNIT_RE.search(line):
        return False
    if next_line is None or SECTION_RE.match(next_line):
        return True
    if DISTRIBUTION_RE.match(next_line):
        return True
    # Inside an item every line but the last is filled to the margin.
    return _cells(line) < LINE_CELLS - 1


def _parse_item(lines: list[str]) -> dict:
    headline, body = _split_headline(lines)
    unit = UNIT_RE.search(body)
    if unit is None:
        raise ValueError(f"稿件末尾没有（报送单位）：{headline}")
    return {
        "headline": headline,
        "body": body[: unit.start()].rstrip(),
        "unit": unit.group(1),
    }


def parse_seed(text: str) -> dict:
    """Parse the seed text into sections of items and the distribution line.

    Returns ``{"sections": [{"name", "items": [{"headline", "body", "unit"}]}],
    "distribution": "本期发：…"}``. Bodies are plain text, one paragraph each.
    """
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]

    sections: list[dict] = []
    distribution: list[str] = []
    item_lines: list[str] = []
    for index, line in enumerate(lines):
        next_line = lines[index + 1] if index + 1 < len(lines) else None
        if distribution or DISTRIBUTION_RE.match(line):
            distribution.append(line)
        elif heading := SECTION_RE.match(line):
            if item_lines:
                raise ValueError(f"稿件没有以（报送单位）结尾：{item_lines[0]}")
            sections.append({"name": heading.group(1), "items": []})
        elif not sections:
            raise ValueError(f"栏目标题之前有正文：{line}")
        else:
            item_lines.append(line)
            if _ends_item(line, next_line):
                sections[-1]["items"].append(_parse_item(item_lines))
                item_lines = []
    if item_lines:
        raise ValueError(f"稿件没有以（报送单位）结尾：{item_lines[0]}")
    return {"sections": sections, "distribution": _join(distribution)}


def load_seed() -> dict:
    """The demo issue parsed from the copy shipped with the app."""
    return parse_seed(SEED_FILE.read_text(encoding="utf-8"))


def seed_print_context(seed: dict | None = None) -> tuple[SimpleNamespace, list]:
    """The demo issue as the print template's ``issue`` and ``sections``.

    The masthead values are those of the printed original.
    """
    seed = seed or load_seed()
    issue = SimpleNamespace(
        publication_name="工作简报",
        office_name="延津县人民政府办公室",
        number_label="第12期（总第345期）",
        date_label="2026年11月24日",
        marking="内部资料　注意保存",
        numbered=False,
        preview=False,
        distribution_lines=[seed["distribution"]],
        copies=60,
        is_correction=False,
    )
    sections = [
        SimpleNamespace(
            name=section["name"],
            items=[
                SimpleNamespace(
                    headline=item["headline"],
                    body_html=f"<p>{escape(item['body'])}</p>",
                    unit_name=item["unit"],
                )
                for item in section["items"]
            ],
        )
        for section in seed["sections"]
    ]
    return issue, sections


def long_seed(items: int) -> dict:
    """A longer demo issue of ``items`` items, made from the seed's six.

    Each copy rotates its sentences and shifts its numbers, so no two items read
    alike (identical text would make line breaking unrealistically uniform).
    """
    seed = load_seed()
    originals = [
        (section["name"], item)
        for section in seed["sections"]
        for item in section["items"]
    ]
    sections = {name: [] for name, _item in originals}
    for number in range(items):
        name, item = originals[number % len(originals)]
        copy = number // len(originals)
        sentences = [part for part in re.split(r"(?<=。)", item["body"]) if part]
        turn = copy % len(sentences)
        body = "".join(sentences[turn:] + sentences[:turn])
        body = re.sub(r"\d+", lambda match, n=copy: str(int(match.group()) + n), body)
        headline = f"{item['headline']}（{copy + 1}）" if copy else item["headline"]
        sections[name].append({**item, "headline": headline, "body": body})
    return {
        "sections": [
            {"name": name, "items": section_items}
            for name, section_items in sections.items()
            if section_items
        ],
        "distribution": seed["distribution"],
    }

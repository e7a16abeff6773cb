"""The compose page's page estimate against the real PDF: within one page on the
seed, the 30-page benchmark issue and five issues unlike them."""

import io
import math
from html import escape
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from briefing.management.commands.bench_pdf import long_issue_context
from briefing.page_estimate import colophon_lines, estimate_pages, item_lines
from briefing.pdf import render_pdf
from briefing.print_layout import issue_print_html
from briefing.seed import load_seed, long_seed, seed_print_context

pytestmark = pytest.mark.one_database


def printed_pages(issue, sections) -> int:
    pdf = render_pdf(issue_print_html(issue, sections))
    return len(PdfReader(io.BytesIO(pdf)).pages)


def item(headline, body_html, unit="民政局"):
    return SimpleNamespace(headline=headline, body_html=body_html, unit_name=unit)


def section(name, items):
    return SimpleNamespace(name=name, items=items)


def seed_items():
    return [
        (entry["headline"], entry["body"], entry["unit"])
        for part in load_seed()["sections"]
        for entry in part["items"]
    ]


def short_items_issue():
    """Many sections of one-line notices."""
    issue, _ = seed_print_context()
    sections = [
        section(
            f"栏目{n}",
            [
                item(f"简讯{n}之{k}", f"<p>第{k}条简讯，已按期完成。</p>")
                for k in range(4)
            ],
        )
        for n in range(9)
    ]
    return issue, sections


def tables_and_lists_issue():
    issue, _ = seed_print_context()
    rows = "".join(
        f"<tr><td>{name}</td><td>{n * 37}</td><td>{n * 3}.{n}%</td></tr>"
        for n, name in enumerate(
            ["城关镇", "东屯镇", "丰庄镇", "小潭乡", "石婆固镇"] * 3
        )
    )
    head = "<tr><th>乡镇</th><th>户数</th><th>占比</th></tr>"
    table = f"<table><tbody>{head}{rows}</tbody></table>"
    items = []
    for headline, body, unit in seed_items():
        half = len(body) // 2
        items.append(
            item(
                headline,
                f"<p>{escape(body[:half])}</p>{table}<ol><li>{escape(body[half:])}</li>"
                "<li>持续跟踪，按月通报。</li></ol>",
                unit,
            )
        )
    return issue, [section("专题", items)]


def numbers_and_latin_issue():
    """Text heavy in digits, Latin letters and spaces (ragged lines)."""
    issue, _ = seed_print_context()
    sentence = (
        "全县 GDP 同比增长 5.1%，规上工业增加值增长 7.3%，"
        "完成 PPP 项目投资 12.6 亿元，新增 5G 基站 318 个，"
        "R&D 经费投入强度达到 2.35%。"
    )
    items = [
        item(
            f"经济运行数据通报（{n}）", f"<p>{escape(sentence * (n + 2))}</p>", "统计局"
        )
        for n in range(12)
    ]
    return issue, [section("经济运行", items)]


def multi_paragraph_issue():
    """Long items of several paragraphs, with headings inside."""
    issue, _ = seed_print_context()
    texts = [body for _h, body, _u in seed_items()]
    items = []
    for n in range(5):
        paragraphs = "".join(
            f"<h3>{'一二三四'[k]}、第{k + 1}部分</h3>"
            f"<p>{escape(texts[(n + k) % 6])}</p>"
            for k in range(4)
        )
        items.append(item(f"专题调研报告（{n + 1}）", paragraphs, "县委办"))
    return issue, [section("调查研究", items)]


def long_distribution_issue():
    """An issue whose 版记 of several long lines barely fits, or not."""
    issue, sections = seed_print_context(long_seed(9))
    issue.distribution_lines = [
        "报：市委办公室，市政府办公室，市委督查室，市政府督查室。",
        "送：县委常委，县人大常委会主任、副主任，县政府县长、副县长，"
        "县政协主席、副主席，县法院院长，县检察院检察长。",
        "发：各乡（镇）党委、政府，各街道党工委、办事处，县直各单位，"
        "县委各部委，县人大常委会各工作委员会，县政府各部门主要领导。",
    ]
    return issue, sections


ISSUES = {
    "seed": lambda: seed_print_context(),
    "bench_30_pages": lambda: long_issue_context(30),
    "short_items": short_items_issue,
    "tables_and_lists": tables_and_lists_issue,
    "numbers_and_latin": numbers_and_latin_issue,
    "multi_paragraph": multi_paragraph_issue,
    "long_distribution": long_distribution_issue,
}


@pytest.mark.parametrize("name", ISSUES)
def test_estimate_is_within_one_page_of_the_pdf(name):
    issue, sections = ISSUES[name]()
    real = printed_pages(issue, sections)
    estimate = estimate_pages(issue, sections).pages
    assert abs(estimate - real) <= 1, (name, estimate, real)
    if name == "bench_30_pages":
        assert real == 30


def test_seed_estimate_is_exact():
    assert estimate_pages(*seed_print_context()).pages == 4


def test_line_counts_follow_the_grid():
    # The indent, a headline of 10, the gap and 12 characters: one line.
    assert item_lines("标" * 10, "<p>" + "字" * 12 + "</p>", "") == 1
    # 2 + 10 + 1 + 10 + （开发区） fill the 28 cells exactly; one character more
    # and the last two characters go to a new line with the unit.
    assert item_lines("标" * 10, "<p>" + "字" * 10 + "</p>", "开发区") == 1
    assert item_lines("标" * 10, "<p>" + "字" * 11 + "</p>", "开发区") == 2
    # One 版记 line of 29 cells, one of 57 (two rows), and 共印.
    assert colophon_lines(["本" * 29, "期" * 57]) == 4


def test_the_estimate_moves_the_colophon_to_a_new_page_when_it_does_not_fit():
    issue, sections = seed_print_context(long_seed(9))
    body_lines = estimate_pages(issue, sections).body_lines
    body_pages = math.ceil(body_lines / 22)
    free = body_pages * 22 - body_lines
    # The 版记's lines, 共印 and its rules (a tenth of a line) just fit.
    issue.distribution_lines = ["本" * 29] * math.floor(free - 1.1)
    assert estimate_pages(issue, sections).pages == body_pages
    issue.distribution_lines.append("期")
    assert estimate_pages(issue, sections).pages == body_pages + 1

"""Chinese full-text search over items.

Chinese has no spaces and most searches are 2 characters, which PostgreSQL's
text search and pg_trgm cannot index. On PostgreSQL every item's
``search_text`` is indexed as the set of its overlapping character bigrams
(``reading_bigrams``, migration 0003); a term becomes the AND of its bigrams,
which the GIN index answers. For a 2-character term without upper or lower
case that is already the exact answer; a longer term is also looked for in
the text of the rows the index found (``strpos``, or an upper-cased LIKE for
a word with letters), which makes the result exactly a substring match.
SQLite runs a LIKE on every item, without the index.

A search runs in two steps: collect the matches (id and date) up to a cap
through the index; if few, the newest of them are the page; if many, walk the
newest-first index with the text test over at most WALK_ROWS items and stop
at one page, or if the page is not among them, sort the index's matches by
date and read their text newest first until it is. A word so frequent that
its bitmap would cost more than reading the newest items until the cap is
passed is looked for that way first, and the page is among them. Then one
query reads the page's rows. The text is always read last, after every
cheaper test, and a reader's scope is a hashed subquery of the issues they
may read.
"""

import html
import json
import re
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils.safestring import mark_safe

from briefing.models import Item, issue_number_label
from briefing.permissions import may_read
from briefing.selectors.issues import readable_issues
from briefing.selectors.items import visible_items
from core import roles

COUNT_CAP = 1000
PAGE_SIZE = 20
MAX_WORDS = 5
MAX_WORD_CHARS = 50
SNIPPET_BEFORE = 30
SNIPPET_AFTER = 90
NEWEST = (F("submitted_at").desc(nulls_last=True), "-id")
BIGRAM_MATCH = 'reading_bigrams("briefing_item"."search_text") @@ %s::tsquery'


def words_of(query: str) -> list[str]:
    """The words to find (split on spaces, duplicates dropped, at most five)."""
    words = []
    for word in (query or "").split():
        word = word[:MAX_WORD_CHARS]
        if word and word.lower() not in {w.lower() for w in words}:
            words.append(word)
    return words[:MAX_WORDS]


def bigrams(word: str) -> list[str]:
    text = word.lower()
    return sorted({text[i : i + 2] for i in range(len(text) - 1)})


def tsquery(word: str, pieces: list[str] | None = None) -> str:
    """The AND of the word's bigrams (or of ``pieces`` of them) as tsquery
    text, each lexeme quoted."""

    def quote(lexeme):
        return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"

    return " & ".join(quote(b) for b in (pieces or bigrams(word)))


def search_scope(user) -> QuerySet[Item]:
    """What ``user`` may find: editors and admins every item that reached the
    editors; readers, signers and the units' members the items of the issues
    they may read."""
    if roles.sees_every_unit(user):
        return visible_items(user)
    if not may_read(user):
        raise Http404
    issues = readable_issues(user).order_by().values("pk")
    published = Item.objects.filter(status=Item.Status.PUBLISHED)
    if connection.vendor != "postgresql":
        return published.filter(issue__in=issues)
    try:
        sql, params = issues.query.sql_with_params()
    except EmptyResultSet:  # no distribution list names them
        return Item.objects.none()
    # "IS TRUE" keeps the IN a hashed subplan: the readable issues' ids are
    # hashed once and each row the bigram index found is looked up. As a join
    # the planner hashed every bigram match of a term instead (2 s for a
    # frequent one at 100 000 items); as a literal array of the issue ids the
    # ids made a round trip and the query text grew with the archive (8 ms a
    # search at 2 000 issues).
    return published.extra(
        where=[f'("briefing_item"."issue_id" IN ({sql})) IS TRUE'], params=params
    )


def caseless(word: str) -> bool:
    """No letter in ``word`` has an upper or lower case (Chinese, digits, ...):
    a case-sensitive LIKE finds the same rows, without upper-casing each text."""
    return word.lower() == word == word.upper()


def like(queryset: QuerySet[Item], word: str) -> QuerySet[Item]:
    """Items whose text contains ``word``, case ignored (a plain LIKE scan)."""
    if caseless(word):
        return queryset.filter(search_text__contains=word)
    return queryset.filter(search_text__icontains=word)


def index_terms(words: list[str], rows_with: dict) -> tuple[list[list[str]], list]:
    """The bigrams the index is asked for, a list for each word, and the words
    still to check in the text (PostgreSQL). A 2-character word without case
    needs nothing more: its one bigram in the index is the whole test.

    ``rows_with`` (the planner's guess of the items holding each bigram): a
    longer word asks the index for its two rarest bigrams only. The text test
    makes the result exact anyway, and ANDing the bitmaps of frequent bigrams
    cost more than it saved (机构社会救助: five bigrams each in a third of the
    items).
    """
    asked, to_check = [], []
    for word in words:
        if len(word) >= 2:
            pieces = bigrams(word)
            if len(pieces) > 2:
                pieces = sorted(pieces, key=lambda b: (rows_with.get(b, 0), b))[:2]
            asked.append(pieces)
            if len(word) == 2 and caseless(word):
                continue
        to_check.append(word)
    return asked, to_check


def _like_only(queryset, words):
    for word in words:
        queryset = like(queryset, word)
    return queryset


def containing(queryset, words: list[str], limit: int, newest_first=False) -> list:
    """The first ``limit`` (id, submitted_at) of ``queryset`` (newest first,
    or in any order) whose text contains every word: a plain LIKE on each
    item (SQLite)."""
    queryset = queryset.order_by(*NEWEST) if newest_first else queryset.order_by()
    rows = _like_only(queryset, words).values_list("id", "submitted_at")
    return list(rows[:limit])


def _text_sql(column: str, words: list[str]) -> tuple[str, list]:
    """``column`` contains every word: the SQL and its parameters (PostgreSQL).

    A word without case is found with ``strpos``, a plain substring search:
    on long Chinese text it costs half of ``LIKE '%…%'`` (the same rows: the
    collation is deterministic, and the word needs no escaping). A word with
    letters is compared upper-cased, as Django's ``icontains`` does."""
    tests, params = [], []
    for word in words:
        if caseless(word):
            tests.append(f"strpos({column}, %s) > 0")
            params.append(word)
        else:
            tests.append(f"UPPER({column}) LIKE UPPER(%s)")
            params.append(f"%{connection.ops.prep_for_like_query(word)}%")
    return " AND ".join(tests) or "TRUE", params


def _fetch(sql, params, settings=()) -> list:
    """Rows of ``sql``, after ``SET LOCAL`` of each of ``settings`` in the same
    query string: PostgreSQL runs it as one transaction, so the settings hold
    for this statement only (inside a caller's transaction, until its end), and
    no round trip is spent on them (on a busy machine each cost milliseconds)."""
    with connection.cursor() as cursor:
        cursor.execute("".join(f"SET LOCAL {s}; " for s in settings) + sql, params)
        return cursor.fetchall()


def newest_sql(alias: str) -> str:
    return f'ORDER BY {alias}."submitted_at" DESC NULLS LAST, {alias}."id" DESC'


@dataclass
class Scope:
    """The items a person may find, as SQL compiled once per search
    (PostgreSQL): each statement wraps it rather than compiling a queryset
    again (about 0.4 ms of Python each). The planner flattens the wrapping,
    so its bigram test meets the index and its order the date index."""

    sql: str
    params: list
    index_queries: list[str] = field(default_factory=list)  # tsquery, a word each

    @classmethod
    def of(cls, queryset) -> "Scope | None":
        rows = queryset.order_by().values_list("id", "submitted_at", "search_text")
        try:
            sql, params = rows.query.sql_with_params()
        except EmptyResultSet:  # no distribution list names them
            return None
        return cls(sql, list(params))

    def items(self, through_index=False, newest_first=False, rows=None, text=True):
        """SQL and parameters of the scope's (id, submitted_at[, search_text]):
        only those the index finds (``through_index``), newest first, the
        first ``rows`` of them."""
        columns = 's."id", s."submitted_at"' + (', s."search_text"' if text else "")
        sql, params = f"SELECT {columns} FROM ({self.sql}) AS s", [*self.params]
        if through_index and self.index_queries:
            match = 'reading_bigrams(s."search_text") @@ %s::tsquery'
            sql += " WHERE " + " AND ".join([match] * len(self.index_queries))
            params += self.index_queries
        if newest_first:
            sql += " " + newest_sql("s")
        if rows is not None:
            sql += " LIMIT %s"
            params.append(rows)
        return sql, params


def _found(inner, words, limit, newest_first, settings, text='m."search_text"'):
    """The first ``limit`` (id, submitted_at) of the rows of ``inner`` whose
    text contains every word. The text is read last, in a query around
    ``inner`` that the planner keeps as it is (OFFSET 0): left to itself it
    ran the text test before the cheaper ones, reading the text of every item
    outside the person's scope too (half the bigram matches of a reader's
    search)."""
    sql, params = inner
    tests, patterns = _text_sql(text, words)
    order = newest_sql("m") if newest_first else ""
    return _fetch(
        f'SELECT m."id", m."submitted_at" FROM ({sql} OFFSET 0) AS m '
        f"WHERE {tests} {order} LIMIT %s",
        [*params, *patterns, limit],
        settings,
    )


def newest_matches(scope: Scope, words, limit, rows=None, settings=None) -> list:
    """The newest ``limit`` items of ``scope`` whose text contains every
    word, read newest first (of its newest ``rows`` items only)."""
    inner = scope.items(newest_first=True, rows=rows)
    return _found(inner, words, limit, True, WALK if settings is None else settings)


def cap_among_newest(scope: Scope, words, rows, limit) -> list | None:
    """If more than COUNT_CAP of the newest ``rows`` items of ``scope``
    contain every word, the newest ``limit`` of them (the page: one query
    counts and finds it); else None."""
    found = newest_matches(scope, words, max(COUNT_CAP + 1, limit), rows=rows)
    if len(found) <= COUNT_CAP:
        return None
    if len(found) < limit:  # a page longer than the cap
        found = newest_matches(scope, words, limit)
    return found[:limit]


def index_matches(scope: Scope, words, limit, settings=None) -> list:
    """Up to ``limit`` of the items the index finds whose text contains the
    words still to check, in no order."""
    inner = scope.items(through_index=True)
    settings = THROUGH_INDEX if settings is None else settings
    return _found(inner, words, limit, False, settings)


def newest_candidates(scope: Scope, words, limit) -> list:
    """The newest ``limit`` of the items the index found whose text contains
    every word: the candidates are sorted by date without their text, which
    is then read one item at a time, newest first, until a page is full."""
    inner = scope.items(through_index=True, newest_first=True, text=False)
    text = '(SELECT t."search_text" FROM "briefing_item" t WHERE t."id" = m."id")'
    return _found(inner, words, limit, True, THROUGH_INDEX, text=text)


def rows_with_bigrams(words: list[str]) -> tuple[dict, float]:
    """The planner's guess of the number of items holding each bigram of the
    words, and of all items (PostgreSQL)."""
    pieces = sorted({b for word in words for b in bigrams(word)})
    one = f'SELECT 1 FROM "briefing_item" WHERE {BIGRAM_MATCH}'
    query = " UNION ALL ".join([one] * len(pieces) + ["SELECT 1 FROM briefing_item"])
    params = [tsquery(p, [p]) for p in pieces]
    # Serial, so that each scan is one part of the Append (no Gather above).
    plan = _fetch(f"EXPLAIN (FORMAT JSON) {query}", params, SETTINGS)[0][0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    plan = plan[0]["Plan"]
    parts = plan["Plans"] if pieces else [plan]
    *found, total = [part["Plan Rows"] for part in parts]
    return dict(zip(pieces, found, strict=True)), max(total, 1)


def _newest_first(row):
    """Sort key of (pk, submitted_at) rows as NEWEST orders them (reversed)."""
    pk, submitted_at = row
    return (
        submitted_at is not None,
        submitted_at.timestamp() if submitted_at else 0,
        pk,
    )


@dataclass
class Hit:
    """One item found, with what the result page shows of it."""

    pk: int
    title: str
    issue_id: int | None
    unit: str
    section: str
    source: str  # the publication and the issue's number, if in an issue
    title_html: str = ""
    snippet_html: str = ""


@dataclass
class SearchResult:
    words: list[str]
    hits: list[Hit] = field(default_factory=list)
    count: int = 0

    @property
    def browsing(self) -> bool:
        """Filters without a keyword: a list of items, nothing to highlight."""
        return not self.words

    @property
    def count_label(self) -> str:
        return f"{COUNT_CAP}+" if self.count > COUNT_CAP else str(self.count)


def search(user, query: str, filters: dict | None = None, limit=PAGE_SIZE):
    """The newest ``limit`` matches of ``query`` that ``user`` may see, and
    their number up to COUNT_CAP (more shows as "1000+").

    Without words, the newest items that pass ``filters``; with neither, nothing.
    """
    words = words_of(query)
    result = SearchResult(words)
    filters = {name: value for name, value in (filters or {}).items() if value}
    if not (words or filters):
        return result
    scope = search_scope(user).filter(**filters)
    # No transaction: each statement brings its planner settings (SET LOCAL in
    # the same query string, which PostgreSQL runs as one transaction), and
    # under READ COMMITTED a transaction would not share a snapshot anyway.
    if connection.vendor == "postgresql":
        result.count, found = _search_postgresql(Scope.of(scope), words, limit)
    else:
        found = containing(scope, words, COUNT_CAP + 1)
        result.count = len(found)
        if result.count <= COUNT_CAP:
            found.sort(key=_newest_first, reverse=True)
        else:
            found = containing(scope, words, limit, newest_first=True)
    result.hits = hits([pk for pk, _ in found[:limit]], words)
    return result


HITS_SQL = """
SELECT i."id", i."title", i."search_text", i."issue_id", d."short_name", s."name",
       p."name", n."number", n."total_number"
FROM "briefing_item" i
JOIN "departments_department" d ON d."id" = i."department_id"
LEFT JOIN "briefing_section" s ON s."id" = i."section_id"
LEFT JOIN "briefing_issue" n ON n."id" = i."issue_id"
LEFT JOIN "briefing_publication" p ON p."id" = n."publication_id"
WHERE i."id" IN ({})
"""


def hits(ids: list[int], words: list[str]) -> list[Hit]:
    """The items ``ids``, in that order, as the result page shows them: one
    query of the columns it needs, written out, and no model instances (a
    page of items with their unit, section, issue and publication cost 2 ms
    of Python through the ORM, as much as finding them)."""
    if not ids:
        return []
    by_id = {}
    rows = _fetch(HITS_SQL.format(", ".join(["%s"] * len(ids))), ids)
    for pk, title, text, issue_id, unit, section, publication, *number in rows:
        source = publication + issue_number_label(*number) if publication else ""
        by_id[pk] = Hit(
            pk, title, issue_id, unit, section or "", source,
            title_html=highlight(title, words),
            snippet_html=highlight(snippet(text, words, title), words),
        )  # fmt: skip
    return [by_id[pk] for pk in ids if pk in by_id]  # unless just deleted


# A page of a frequent word's matches is looked for among this many newest
# items in scope (one in a hundred must match), before the index's matches.
WALK_ROWS = 2000
# Reading an item newest first (its text tested with strpos) costs about as
# much as this many entries of a bigram bitmap (measured at 100 000 items: 合法,
# one bigram in a third of the items, costs the same either way; 网格员 and
# 态化开展, two bigrams each in a third to a half, half as much read).
READ_COST = 12
# The planner's choices, fixed (left to itself it chose plans that took
# seconds). Through the bigram index: only its bitmap (an index or table scan
# computes the bigrams of each row it reads, 0.25 ms a row; 2.6 s for a
# frequent word), and hash joins (with a filter on the issue, 刊物 or 年度, a
# nested loop joined the issues over every match); a frequent word's bitmap
# needs the memory; the bigram function's high cost would make each search
# pay for JIT; parallel workers cost more to start than they save. Reading
# items newest first: the date index, one row at a time, never a sort.
SETTINGS = (
    "work_mem = '64MB'",
    "jit = off",
    "max_parallel_workers_per_gather = 0",
    "enable_seqscan = off",
)
THROUGH_INDEX = (
    *SETTINGS,
    "enable_indexscan = off",
    "enable_nestloop = off",
)
WALK = (*SETTINGS, "enable_sort = off", "enable_bitmapscan = off")


def _search_postgresql(scope: Scope | None, words, limit) -> tuple[int, list]:
    """The number of matches (up to COUNT_CAP + 1) and the newest ``limit``
    of them as (id, submitted_at).

    The bigram index finds the matches, up to the cap. If there are no more,
    the newest of them are the page. If there are more, the page is read
    newest first: among the newest WALK_ROWS items in scope, or, if a page of
    them do not match, from the index's matches sorted by date. A word so
    frequent that its bitmap would cost more is first looked for by reading
    the newest items in scope, as many as should hold the cap and half as
    many again: if the cap is passed there, its newest matches are the page.
    """
    if scope is None:
        return 0, []
    if not words:  # filters only: the newest items that pass them
        found = index_matches(scope, [], COUNT_CAP + 1, settings=())
        if len(found) <= COUNT_CAP:
            found.sort(key=_newest_first, reverse=True)
            return len(found), found[:limit]
        return len(found), newest_matches(scope, [], limit, settings=())
    rows_with, items = rows_with_bigrams(words)
    asked, to_check = index_terms(words, rows_with)
    scope.index_queries = [tsquery("", pieces) for pieces in asked]
    # The share of items that may hold every word, at most (its rarest
    # bigram): the cap is passed after about COUNT_CAP / share items read
    # newest first. The bitmap holds the matches of every bigram asked.
    share = min(rows_with.values(), default=items) / items
    in_bitmap = sum(rows_with.get(b, 0) for pieces in asked for b in pieces)
    if not asked:  # single characters: no bitmap, every item in scope is read
        in_bitmap = items
    if share and (COUNT_CAP + 1) / share * READ_COST < in_bitmap:
        # So frequent a word that building its bitmap would cost more than
        # reading the newest items until the cap is passed (and half as many
        # again, should the guess be high).
        rows = int((COUNT_CAP + 1) * 1.5 / share)
        page = cap_among_newest(scope, words, rows, limit)
        if page is not None:
            return COUNT_CAP + 1, page
    found = index_matches(scope, to_check, COUNT_CAP + 1)
    if len(found) <= COUNT_CAP:
        found.sort(key=_newest_first, reverse=True)
        return len(found), found[:limit]
    page = newest_matches(scope, words, limit, rows=WALK_ROWS)
    if len(page) < limit:
        page = newest_candidates(scope, to_check, limit)
    return len(found), page


def snippet(text: str, words: list[str], title: str = "") -> str:
    """A piece of the body around the first match (the body without its title)."""
    body = text[len(title) :].strip() if title and text.startswith(title) else text
    body = " ".join(body.split())
    lowered = body.lower()
    positions = [lowered.find(w.lower()) for w in words if w.lower() in lowered]
    start = min(positions) if positions else 0
    begin = max(0, start - SNIPPET_BEFORE)
    piece = body[begin : start + SNIPPET_AFTER]
    more = len(body) > begin + len(piece)
    return ("…" if begin else "") + piece + ("…" if more else "")


def highlight(text: str, words: list[str]) -> str:
    """``text`` escaped, with the matched words wrapped in <mark>.

    Matches are found in the plain text and every piece is escaped on its own,
    so a word can never match inside an entity such as ``&amp;``.
    """
    if not words:
        return mark_safe(html.escape(text))
    pattern = re.compile(
        "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.I
    )
    out, last = [], 0
    for found in pattern.finditer(text):
        out.append(html.escape(text[last : found.start()]))
        out.append(f"<mark>{html.escape(found.group(0))}</mark>")
        last = found.end()
    out.append(html.escape(text[last:]))
    return mark_safe("".join(out))

"""Chinese full-text search over items.

Chinese has no spaces and most searches are 2 characters, which PostgreSQL's
text search and pg_trgm cannot index. On PostgreSQL every item's
``search_text`` is indexed as the set of its overlapping character bigrams
(``reading_bigrams``, migration 0003); a term becomes the AND of its bigrams,
which the GIN index answers. For a 2-character term without upper or lower
case that is already the exact answer; a longer term also needs a
``LIKE '%term%'`` on the rows the index found, which makes the result exactly
a substring match. SQLite runs the same LIKE without the index.

A search runs in two steps: collect the matches (id and date) up to a cap
through the index; if few, the newest of them are the page; if many, walk the
newest-first index with the LIKE filter over at most WALK_ROWS items and stop
at one page, or if the page is not among them, sort the index's matches by
date and read their text newest first until it is. Then one query reads the
page's rows. The text is always read last, after every cheaper test, and a
reader's scope is a hashed subquery of the issues they may read.
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

from briefing.models import Item
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


def match(queryset: QuerySet[Item], words: list[str], rows_with=None):
    """The items that may contain every word, and the words still to check in
    their text: on PostgreSQL the index finds the items (a 2-character word
    without case needs nothing more); SQLite checks every word in the text.

    ``rows_with`` (the planner's guess of the items holding each bigram): a
    longer word asks the index for its two rarest bigrams only. The LIKE makes
    the result exact anyway, and ANDing the bitmaps of frequent bigrams cost
    more than it saved (机构社会救助: five bigrams each in a third of the items).
    """
    if connection.vendor != "postgresql":
        return queryset, words
    to_check = []
    for word in words:
        if len(word) >= 2:
            pieces = bigrams(word)
            if rows_with and len(pieces) > 2:
                pieces = sorted(pieces, key=lambda b: (rows_with.get(b, 0), b))[:2]
            query = tsquery(word, pieces)
            queryset = queryset.extra(where=[BIGRAM_MATCH], params=[query])
            # Its one bigram in the index is the whole test: no text to read.
            if len(word) == 2 and caseless(word):
                continue
        to_check.append(word)
    return queryset, to_check


def _like_only(queryset, words):
    for word in words:
        queryset = like(queryset, word)
    return queryset


def _like_sql(column: str, words: list[str]) -> tuple[str, list]:
    """``column`` contains every word: the SQL and its patterns."""
    tests, patterns = [], []
    for word in words:
        tests.append(
            f"{column} LIKE %s" if caseless(word) else f"UPPER({column}) LIKE UPPER(%s)"
        )
        patterns.append(f"%{connection.ops.prep_for_like_query(word)}%")
    return " AND ".join(tests) or "TRUE", patterns


def _sql(queryset, *columns, rows=None) -> tuple[str, list] | None:
    queryset = queryset.values_list(*columns)
    try:
        return queryset[:rows].query.sql_with_params()
    except EmptyResultSet:  # nothing in scope
        return None


def _fetch(sql, params, settings=()) -> list:
    """Rows of ``sql``, after ``SET LOCAL`` of each of ``settings`` in the same
    query string: PostgreSQL runs it as one transaction, so the settings hold
    for this statement only (inside a caller's transaction, until its end), and
    no round trip is spent on them (on a busy machine each cost milliseconds)."""
    with connection.cursor() as cursor:
        cursor.execute("".join(f"SET LOCAL {s}; " for s in settings) + sql, params)
        return cursor.fetchall()


NEWEST_SQL = 'ORDER BY m."submitted_at" DESC NULLS LAST, m."id" DESC'


def containing(
    queryset, words: list[str], limit: int, newest_first=False, rows=None, settings=()
) -> list:
    """The first ``limit`` (id, submitted_at) of ``queryset`` (newest first,
    or in any order) whose text contains every word; with ``rows``, of its
    first ``rows`` items only (PostgreSQL).

    On PostgreSQL the text is read last, in a query around ``queryset`` that
    the planner keeps as it is (OFFSET 0): left to itself it ran the LIKE
    before the cheaper tests, reading the text of every item outside the
    person's scope too (half the bigram matches of a reader's search).
    """
    queryset = queryset.order_by(*NEWEST) if newest_first else queryset.order_by()
    if connection.vendor != "postgresql":
        rows = _like_only(queryset, words).values_list("id", "submitted_at")
        return list(rows[:limit])
    inner = _sql(queryset, "id", "submitted_at", "search_text", rows=rows)
    if inner is None:
        return []
    tests, patterns = _like_sql('m."search_text"', words)
    order = NEWEST_SQL if newest_first else ""
    return _fetch(
        f'SELECT m."id", m."submitted_at" FROM ({inner[0]} OFFSET 0) AS m '
        f"WHERE {tests} {order} LIMIT %s",
        [*inner[1], *patterns, limit],
        settings,
    )


def matches_among_newest(scope, words: list[str], rows: int, most: int) -> int:
    """How many of the newest ``rows`` items of ``scope`` contain every word,
    counting no further than ``most`` (PostgreSQL)."""
    inner = _sql(scope.order_by(*NEWEST), "search_text", rows=rows)
    if inner is None:
        return 0
    tests, patterns = _like_sql('m."search_text"', words)
    return _fetch(
        f"SELECT count(*) FROM (SELECT 1 FROM ({inner[0]}) AS m WHERE {tests} "
        "LIMIT %s) AS found",
        [*inner[1], *patterns, most],
        WALK,
    )[0][0]


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


def newest_candidates(candidates, words: list[str], limit: int, settings=()) -> list:
    """The newest ``limit`` of the items the index found whose text contains
    every word (PostgreSQL): the candidates are sorted by date without their
    text, which is then read one item at a time, newest first, until a page
    is full."""
    inner = _sql(candidates.order_by(*NEWEST), "id", "submitted_at")
    if inner is None:
        return []
    text = '(SELECT t."search_text" FROM "briefing_item" t WHERE t."id" = m."id")'
    tests, patterns = _like_sql(text, words)
    return _fetch(
        f'SELECT m."id", m."submitted_at" FROM ({inner[0]} OFFSET 0) AS m '
        f"WHERE {tests} {NEWEST_SQL} LIMIT %s",
        [*inner[1], *patterns, limit],
        settings,
    )


def _newest_first(row):
    """Sort key of (pk, submitted_at) rows as NEWEST orders them (reversed)."""
    pk, submitted_at = row
    return (
        submitted_at is not None,
        submitted_at.timestamp() if submitted_at else 0,
        pk,
    )


@dataclass
class SearchResult:
    words: list[str]
    hits: list = field(default_factory=list)
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
    if connection.vendor == "postgresql" and words:
        result.count, found = _search_postgresql(scope, words, limit)
    else:
        found = containing(scope, words, COUNT_CAP + 1)
        result.count = len(found)
        if result.count <= COUNT_CAP:
            found.sort(key=_newest_first, reverse=True)
        else:
            found = containing(scope, words, limit, newest_first=True)
    ids = [pk for pk, _ in found[:limit]]
    rows = Item.objects.filter(pk__in=ids).order_by().defer("body")
    rows = rows.select_related("department", "section", "issue__publication")
    by_id = {item.pk: item for item in rows}
    result.hits = [by_id[pk] for pk in ids if pk in by_id]  # unless just deleted
    for hit in result.hits:
        hit.title_html = highlight(hit.title, words)
        hit.snippet_html = highlight(snippet(hit.search_text, words, hit.title), words)
    return result


# A page of a frequent word's matches is looked for among this many newest
# items in scope (one in a hundred must match), before the index's matches.
WALK_ROWS = 2000
# A word is counted by reading the newest items when (items × share²) passes
# this: a bitmap entry costs about a sixteenth of reading an item's text, and
# the cap is passed after about 1 000 / share items.
WALK_BEATS_BITMAP = 25_000
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


def _search_postgresql(scope, words, limit) -> tuple[int, list]:
    """The number of matches (up to COUNT_CAP + 1) and the newest ``limit``
    of them as (id, submitted_at).

    The bigram index finds the matches, up to the cap. If there are no more,
    the newest of them are the page. If there are more, the page is read
    newest first: among the newest WALK_ROWS items in scope, or, if a page of
    them do not match, from the index's matches sorted by date. A word so
    frequent that its bitmap would cost more is first counted by reading the
    newest items in scope, as many as should hold the cap and half as many
    again; if the cap is passed there, its page is there too.
    """
    rows_with, items = rows_with_bigrams(words)
    candidates, to_check = match(scope, words, rows_with)
    # The share of items that may hold every word, at most (its rarest bigram).
    share = min(rows_with.values(), default=items) / items
    rows = int((COUNT_CAP + 1) * 1.5 / share) if share else 0
    if items * share * share > WALK_BEATS_BITMAP and rows <= WALK_ROWS * 4:
        # So frequent a word that building its bitmap would cost more than
        # reading the newest items until the cap is passed.
        if matches_among_newest(scope, words, rows, COUNT_CAP + 1) > COUNT_CAP:
            page = containing(
                scope, words, limit, newest_first=True, rows=rows, settings=WALK
            )
            if len(page) < limit:  # a page longer than the cap
                page = containing(scope, words, limit, newest_first=True, settings=WALK)
            return COUNT_CAP + 1, page
    found = containing(candidates, to_check, COUNT_CAP + 1, settings=THROUGH_INDEX)
    if len(found) <= COUNT_CAP:
        found.sort(key=_newest_first, reverse=True)
        return len(found), found[:limit]
    page = containing(
        scope, words, limit, newest_first=True, rows=WALK_ROWS, settings=WALK
    )
    if len(page) < limit:
        page = newest_candidates(candidates, to_check, limit, THROUGH_INDEX)
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

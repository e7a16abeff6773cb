"""Chinese full-text search over items.

Chinese has no spaces and most searches are 2 characters, which PostgreSQL's
text search and pg_trgm cannot index. On PostgreSQL every item's
``search_text`` is indexed as the set of its overlapping character bigrams
(``reading_bigrams``, migration 0003); a term becomes the AND of its bigrams,
which the GIN index answers, plus a ``LIKE '%term%'`` that makes the result
exactly a substring match. SQLite runs the same LIKE without the index.

A search runs in two steps: count the matches up to a cap through the index;
if few, sort those by date; if many, walk the newest-first index with the LIKE
filter and stop at one page.
"""

import html
import re
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils.safestring import mark_safe

from briefing.models import Item
from briefing.selectors.items import visible_items
from core import roles

from . import selectors

COUNT_CAP = 1000
PAGE_SIZE = 20
MAX_WORDS = 5
MAX_WORD_CHARS = 50
SNIPPET_BEFORE = 30
SNIPPET_AFTER = 90
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


def tsquery(word: str) -> str:
    """The AND of the word's bigrams as tsquery text, each lexeme quoted."""

    def quote(lexeme):
        return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"

    return " & ".join(quote(b) for b in bigrams(word))


def search_scope(user) -> QuerySet[Item]:
    """What ``user`` may find: editors and admins every item that reached the
    editors; readers, signers and the units' members the items of the issues
    they may read."""
    if roles.sees_every_unit(user):
        return visible_items(user)
    if not selectors.may_read(user):
        raise Http404
    # The issue ids as a literal list: a join to the issues made the planner
    # hash every bigram match (0.4 s for a frequent term at 100 000 items).
    issue_ids = list(selectors.readable_issues(user).values_list("pk", flat=True))
    return Item.objects.filter(status=Item.Status.PUBLISHED, issue_id__in=issue_ids)


def match(queryset: QuerySet[Item], words: list[str]) -> QuerySet[Item]:
    """Items whose text contains every word (through the index on PostgreSQL)."""
    for word in words:
        queryset = queryset.filter(search_text__icontains=word)
        if connection.vendor == "postgresql" and len(word) >= 2:
            queryset = queryset.extra(where=[BIGRAM_MATCH], params=[tsquery(word)])
    return queryset


def _set_local(*settings):
    with connection.cursor() as cursor:
        for setting in settings:
            cursor.execute(f"SET LOCAL {setting}")


def _like_only(queryset, words):
    for word in words:
        queryset = queryset.filter(search_text__icontains=word)
    return queryset


NEWEST = (F("submitted_at").desc(nulls_last=True), "-id")


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
    # The planner settings below are for the bigram index; a list by unit,
    # section or year has nothing to count through it.
    tune_planner = connection.vendor == "postgresql" and bool(words)
    with transaction.atomic():
        if tune_planner:
            # A count of a frequent term needs the memory (its bitmap). The
            # planner underestimates bigram matches and then joins the issues
            # by nested loop over every match: hash joins only, for this step.
            # The function's high cost would also make each search pay for JIT.
            _set_local("work_mem = '64MB'", "jit = off", "enable_nestloop = off")
        matched = match(scope, words)
        ids = list(matched.order_by().values_list("pk", flat=True)[: COUNT_CAP + 1])
        result.count = len(ids)
        if result.count <= COUNT_CAP:
            page = Item.objects.filter(pk__in=ids).order_by(*NEWEST)
        else:
            # Many matches: walk the newest-first index with the LIKE filter and
            # stop at one page. Left to itself the planner scans and sorts all.
            if tune_planner:
                _set_local(
                    "enable_nestloop = on",
                    "enable_seqscan = off",
                    "enable_sort = off",
                    "enable_bitmapscan = off",
                )
            page = _like_only(scope, words).order_by(*NEWEST)
        result.hits = list(
            page.select_related("department", "section", "issue__publication")[:limit]
        )
    for hit in result.hits:
        hit.title_html = highlight(hit.title, words)
        hit.snippet_html = highlight(snippet(hit.search_text, words, hit.title), words)
    return result


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

"""Issue numbers stay unique and gapless when many issues are signed at once."""

import datetime
import io
import re
import threading

import pytest
from django.db import connection, connections
from pypdf import PdfReader

from briefing.models import Issue, Item
from briefing.services import issues as services
from tests import factories
from tests.briefing.issue_factories import blank_pdf, composed_issue

SIGNERS = 20

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks (select_for_update) need PostgreSQL; SQLite locks the file",
)


def render_number(html, base_url=None):
    """A one-page PDF titled with the number printed in ``html``'s masthead:
    the test is about the locks, not WeasyPrint (twenty real renders in turn
    took 20 s)."""
    return blank_pdf(re.search(r"第\d+期（总第\d+期）", html).group())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_sign_offs_get_twenty_consecutive_numbers(monkeypatch):
    monkeypatch.setattr(services, "render_pdf", render_number)
    publication = factories.make_publication(
        number_year=2026, last_number=7, last_total_number=300
    )
    signer = factories.make_signer()
    issues = [
        composed_issue(
            publication,
            items=1,
            status=Issue.Status.PENDING_SIGNOFF,
            issue_date=datetime.date(2026, 11, 24),
        )
        for _ in range(SIGNERS)
    ]
    start = threading.Barrier(SIGNERS)
    errors = []

    def sign(issue):
        try:
            start.wait()
            services.sign_off_issue(issue, signer)
        except Exception as exc:  # collected and asserted below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign, args=(issue,)) for issue in issues]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    signed = Issue.objects.filter(publication=publication)
    numbers = sorted(signed.values_list("number", flat=True))
    totals = sorted(signed.values_list("total_number", flat=True))
    assert numbers == list(range(8, 8 + SIGNERS))
    assert totals == list(range(301, 301 + SIGNERS))
    assert set(signed.values_list("status", flat=True)) == {Issue.Status.ISSUED}
    # Each stored PDF was rendered with the number its issue got.
    for issue in signed:
        document = issue.documents.get()
        with document.file.open("rb") as handle:
            title = PdfReader(io.BytesIO(handle.read())).metadata.title
        assert title == issue.number_label
    assert not Item.objects.filter(
        issue__publication=publication, status=Item.Status.ADOPTED
    ).exists()
    publication.refresh_from_db()
    assert (publication.last_number, publication.last_total_number) == (27, 320)

"""The reading page and the PDF carry the reader's name and the time."""

import datetime
import io

import pdfplumber
import pytest
from django.urls import reverse

from tests import factories

from .factories import make_distribution, make_document, make_group, make_issue

pytestmark = pytest.mark.django_db


def mark_of(page: str) -> str:
    start = page.index('<div class="reader-mark"')
    return page[start : page.index("</div>", start)]


def test_each_reader_sees_their_own_name_and_the_time_behind_the_text(
    client, time_machine, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    first = factories.make_reader(first_name="陈副县长")
    second = factories.make_reader(first_name="王县长")
    distribution = make_distribution(groups=[make_group(first, second)])
    issue = make_issue(distribution)
    make_document(issue)
    url = reverse("reading:issue", args=[issue.pk])
    # 01:05 UTC is 09:05 in Shanghai.
    time_machine.move_to(
        datetime.datetime(2026, 11, 24, 1, 5, tzinfo=datetime.UTC), tick=False
    )
    client.force_login(first)
    mark = mark_of(client.get(url).content.decode())
    assert "陈副县长　领导　2026-11-24 09:05" in mark
    assert 'aria-hidden="true"' in mark
    # Another reader, later: their own name and time.
    time_machine.move_to(
        datetime.datetime(2026, 11, 24, 2, 30, tzinfo=datetime.UTC), tick=False
    )
    client.force_login(second)
    mark = mark_of(client.get(url).content.decode())
    assert "王县长　领导　2026-11-24 10:30" in mark and "陈副县长" not in mark


def test_the_downloaded_pdf_is_marked_for_the_reader(client, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    reader = factories.make_reader(first_name="陈副县长")
    issue = make_issue(make_distribution(groups=[make_group(reader)]))
    document = make_document(issue)
    client.force_login(reader)
    response = client.get(reverse("reading:document", args=[issue.pk, document.pk]))
    assert response.status_code == 200
    with pdfplumber.open(io.BytesIO(b"".join(response.streaming_content))) as pdf:
        text = "".join(c["text"] for c in pdf.pages[0].chars)
    assert "陈副县长　领导" in text and "第000001份" in text

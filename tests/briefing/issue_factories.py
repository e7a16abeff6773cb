"""Test data for issues: an issue with adopted items placed in its sections."""

import io

from django.db.models import Max
from pypdf import PdfWriter

from briefing.models import Issue, IssueSection, Item
from tests import factories


def place_item(issue, section, department=None, **kwargs):
    """An adopted item at the end of ``section`` in ``issue``."""
    issue_section = IssueSection.objects.filter(issue=issue, section=section).first()
    if issue_section is None:
        last = issue.issue_sections.aggregate(n=Max("position"))["n"] or 0
        IssueSection.objects.create(issue=issue, section=section, position=last + 1)
    last = Item.objects.filter(issue=issue, section=section).aggregate(
        n=Max("position")
    )["n"]
    return factories.make_item(
        department=department,
        status=Item.Status.ADOPTED,
        issue=issue,
        section=section,
        position=(last or 0) + 1,
        **kwargs,
    )


def composed_issue(publication=None, *, items=2, status=Issue.Status.DRAFT, **kwargs):
    """An issue with a distribution list and ``items`` items in one section."""
    issue = factories.make_issue(
        publication,
        distribution_list=kwargs.pop("distribution_list", None)
        or factories.make_distribution(),
        status=status,
        **kwargs,
    )
    section = factories.make_section()
    for _ in range(items):
        place_item(issue, section)
    return issue


def item_titles(issue, section):
    return list(
        Item.objects.filter(issue=issue, section=section)
        .order_by("position")
        .values_list("title", flat=True)
    )


def section_names(issue):
    return [s.section.name for s in issue.issue_sections.order_by("position")]


class FakeRenderer:
    """Stands in for WeasyPrint where the test is not about the PDF itself."""

    def __init__(self):
        self.html = []
        self.pdfs = []

    def __call__(self, html, base_url=None):
        self.html.append(html)
        self.pdfs.append(blank_pdf(f"fake {len(self.html)}"))
        return self.pdfs[-1]


def blank_pdf(title: str) -> bytes:
    """A one-page A4 PDF, different for each ``title``: a reader's copy of it
    can be marked like a real one."""
    writer = PdfWriter()
    writer.add_blank_page(595.28, 841.89)
    writer.add_metadata({"/Title": title})
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def recipient_reader(issue):
    """A reader whom the issue's distribution names (may read it online)."""
    reader = factories.make_reader()
    factories.add_online_readers(issue.distribution_list, reader)
    return reader

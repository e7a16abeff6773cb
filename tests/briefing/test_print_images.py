import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from briefing.pdf import render_pdf
from briefing.sanitize import clean_html
from briefing.selectors.issues import issue_html
from briefing.uploads import store_editor_image
from tests.briefing.issue_factories import composed_issue
from tests.briefing.item_helpers import png_bytes


def images_on_pages(pdf: bytes) -> int:
    count = 0
    for page in PdfReader(io.BytesIO(pdf)).pages:
        xobjects = page["/Resources"].get("/XObject") or {}
        count += sum(
            1 for ref in xobjects.values() if ref.get_object()["/Subtype"] == "/Image"
        )
    return count


@pytest.mark.django_db
def test_an_image_pasted_into_an_item_is_printed_in_the_pdf():
    name = store_editor_image(SimpleUploadedFile("photo.png", png_bytes()))
    issue = composed_issue(items=1)
    item = issue.items.get()
    item.body = clean_html(f'<p>现场照片：</p><p><img src="/items/images/{name}"></p>')
    item.save()
    assert f"/items/images/{name}" in item.body

    html = issue_html(issue, preview=True)
    assert "/items/images/" not in html
    assert images_on_pages(render_pdf(html)) == 1

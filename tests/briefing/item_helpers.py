"""Factories for the item workflow tests: an item in any state, with its people."""

import io
import zipfile
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from briefing import workflow
from briefing.models import Item
from tests.factories import (
    make_admin,
    make_clerk,
    make_department,
    make_editor,
    make_issue,
    make_reader,
    make_reviewer,
    make_section,
    make_signer,
)

S = Item.Status


@dataclass
class Cast:
    """Everyone the matrix needs, around one unit."""

    department: object
    clerk: object
    other_clerk: object
    reviewer: object
    editor: object
    other_editor: object
    signer: object
    reader: object
    admin: object
    anonymous: object
    issue: object
    section: object

    def role(self, name):
        return getattr(self, name)


ROLES = [
    "clerk",
    "other_clerk",
    "reviewer",
    "editor",
    "other_editor",
    "signer",
    "reader",
    "admin",
    "anonymous",
]


def make_cast(requires_unit_review=False) -> Cast:
    department = make_department(requires_unit_review=requires_unit_review)
    other = make_department()
    editor = make_editor(first_name="张编辑")
    return Cast(
        department=department,
        clerk=make_clerk(department, first_name="王晓丽"),
        other_clerk=make_clerk(other),
        reviewer=make_reviewer(department),
        editor=editor,
        other_editor=make_editor(),
        signer=make_signer(),
        reader=make_reader(),
        admin=make_admin(),
        anonymous=AnonymousUser(),
        issue=make_issue(created_by=editor),
        section=make_section(),
    )


def item_in_state(cast: Cast, status, **kwargs) -> Item:
    """An item of cast.department in ``status`` (or workflow.POOLED: adopted,
    in no issue), its fields consistent with it."""
    pooled = status == workflow.POOLED
    if pooled:
        status = S.ADOPTED
    now = timezone.now()
    fields = {
        "department": cast.department,
        "author": cast.clerk,
        "title": kwargs.pop("title", "开发区项目建设提速"),
        "body": kwargs.pop("body", "<p>第一段。</p><p>第二段。</p>"),
        "status": status,
    }
    fields["search_text"] = "开发区项目建设提速\n第一段。\n第二段。"
    if status not in (S.DRAFT, S.PENDING_REVIEW, S.WITHDRAWN):
        fields["submitted_at"] = now
    if status == S.EDITING:
        fields.update(claimed_by=cast.editor, claimed_at=now)
    if status in (S.ADOPTED, S.PUBLISHED) and not pooled:
        fields.update(issue=cast.issue, section=cast.section, position=1)
    if status == S.NOT_USED:
        fields["keep_for_later"] = True
    fields.update(kwargs)
    return Item.objects.create(**fields)


def docx_bytes(paragraphs) -> bytes:
    """A minimal .docx with coloured, centred paragraphs (Word styles to drop)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
            'openxmlformats.org/package/2006/content-types"><Default Extension="rels"'
            ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/><Override '
            'PartName="/word/document.xml" ContentType="application/vnd.openxml'
            'formats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
            'schemas.openxmlformats.org/package/2006/relationships"><Relationship '
            'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        body = "".join(
            '<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr>'
            f'<w:color w:val="FF0000"/><w:sz w:val="44"/></w:rPr><w:t>{p}</w:t>'
            "</w:r></w:p>"
            for p in paragraphs
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://'
            'schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            f"{body}</w:body></w:document>",
        )
    return buffer.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()

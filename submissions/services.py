"""上报 actions: the only code that writes 上报 records. Each one is audited."""

import logging

from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from audit.services import record_event
from briefing.models import Publication, units_label
from core.permissions import require_editor

from . import selectors
from .models import Submission, SubmissionItem

logger = logging.getLogger(__name__)


class SubmissionError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def office_name_default() -> str:
    """The county office, as the publications print it."""
    publication = (
        Publication.objects.filter(is_active=True).order_by("pk").first()
        or Publication.objects.order_by("pk").first()
    )
    return publication.office_name if publication else ""


@transaction.atomic
def make_submission(
    actor,
    *,
    items,
    recipient,
    office_name,
    contact_name="",
    contact_phone="",
    layout=Submission.Layout.COMBINED,
    note="",
    email="",
) -> Submission:
    """Record a 上报 of ``items`` (in the order given) and, when ``email`` is
    given, queue the mail of its files for after the commit.

    Editors only; each item must be adopted or published, and given once.
    """
    require_editor(actor, SubmissionError("只有编辑可以上报信息。"))
    ids = [item.pk for item in items]
    if not ids:
        raise SubmissionError("请至少选择一篇稿件。")
    if len(set(ids)) != len(ids):
        raise SubmissionError("同一篇稿件只能选一次。")
    # Lock the items so one being taken out of its issue meanwhile is seen.
    locked = {
        item.pk: item
        for item in selectors.sendable_items()
        .select_for_update(of=("self",))
        .filter(pk__in=ids)
    }
    missing = [item for item in items if item.pk not in locked]
    if missing:
        raise SubmissionError(
            f"《{missing[0].title}》不是已采用或已刊发的稿件，不能上报。"
        )
    recipient = (recipient or "").strip()
    office_name = (office_name or "").strip()
    if not recipient:
        raise SubmissionError("请填写报送对象。")
    if not office_name:
        raise SubmissionError("请填写报送单位。")
    submission = Submission.objects.create(
        recipient=recipient,
        office_name=office_name,
        contact_name=(contact_name or "").strip(),
        contact_phone=(contact_phone or "").strip(),
        layout=layout,
        note=(note or "").strip(),
        email=(email or "").strip(),
        sent_at=timezone.now(),
        created_by=actor,
    )
    SubmissionItem.objects.bulk_create(
        SubmissionItem(
            submission=submission,
            item=locked[pk],
            position=position,
            title=locked[pk].title,
            body=locked[pk].body,
            unit_name=units_label(
                locked[pk].department, locked[pk].joint_units.all(), name="name"
            ),
        )
        for position, pk in enumerate(ids, start=1)
    )
    titles = "、".join(f"《{locked[pk].title}》" for pk in ids)
    record_event(
        actor=actor,
        action="submission.create",
        obj=submission,
        reason=f"报{recipient}：{titles}",
    )
    if submission.email:
        transaction.on_commit(lambda: _queue_mail(submission.pk), robust=True)
    return submission


def _queue_mail(submission_id):
    from . import tasks

    try:
        tasks.mail_submission.delay(submission_id)
    except OperationalError as exc:  # the broker is down: the download still works
        logger.warning("消息队列不可用，上报 %s 的邮件未发出：%s", submission_id, exc)


def mail_submission(submission_id) -> bool:
    """Mail the 上报件 to the address on the record, once; True when sent now.

    The row is locked while sending, so a doubled task sends one mail.
    """
    from django.core.mail import EmailMessage

    from .docx import DOCX_TYPE, files_of

    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission_id)
        if submission.emailed_at is not None or not submission.email:
            return False
        entries = list(submission.entries.all())
        message = EmailMessage(
            subject=f"{submission.office_name}报送信息（{len(entries)}篇）",
            body="\n".join(
                [
                    f"{submission.recipient}：",
                    "",
                    f"现报送信息{len(entries)}篇，见附件。",
                    *(f"{n}. {e.title}" for n, e in enumerate(entries, start=1)),
                    "",
                    f"报送单位：{submission.office_name}",
                    f"联系人：{submission.contact_name}",
                    f"联系电话：{submission.contact_phone}",
                ]
            ),
            to=[submission.email],
        )
        for name, content in files_of(submission, entries):
            message.attach(name, content, DOCX_TYPE)
        message.send()
        submission.emailed_at = timezone.now()
        submission.save(update_fields=["emailed_at"])
        record_event(
            actor=None,
            action="submission.email",
            obj=submission,
            reason=f"发往 {submission.email}",
        )
    return True


def record_download(actor, submission, name: str):
    """A 上报件 downloaded: one audit event."""
    record_event(actor=actor, action="submission.download", obj=submission, reason=name)

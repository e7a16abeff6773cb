"""Small factory functions for test data (no fixture files)."""

import datetime
import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from briefing.models import DistributionList, Issue, Item, Publication, Section
from core import roles
from departments.models import Department, Membership

PASSWORD = "Test#Pass2026"
_seq = itertools.count(1)


def make_department(short_name=None, requires_unit_review=False, **kwargs):
    n = next(_seq)
    short_name = short_name or f"单位{n}"
    return Department.objects.create(
        name=kwargs.pop("name", f"测试县{short_name}"),
        short_name=short_name,
        kind=kwargs.pop("kind", Department.Kind.COUNTY),
        requires_unit_review=requires_unit_review,
        **kwargs,
    )


def make_user(username=None, group=None, department=None, unit_role=None, **kwargs):
    """A user with a group (编辑, 签发人, 领导, 管理员) or a unit membership."""
    username = username or f"user{next(_seq)}"
    # As the admin's add form does (create_user skips Django's password-changed
    # hook, which records the password state: core.validators).
    user = get_user_model()(username=username, **kwargs)
    user.set_password(PASSWORD)
    user.save()
    if group:
        user.groups.add(Group.objects.get(name=group))
    if department:
        Membership.objects.create(
            user=user, department=department, role=unit_role or Membership.Role.CLERK
        )
    return user


def make_clerk(department, **kwargs):
    return make_user(department=department, unit_role=Membership.Role.CLERK, **kwargs)


def make_reviewer(department, **kwargs):
    return make_user(
        department=department, unit_role=Membership.Role.REVIEWER, **kwargs
    )


def make_editor(**kwargs):
    return make_user(group=roles.EDITOR, **kwargs)


def make_signer(**kwargs):
    return make_user(group=roles.SIGNER, **kwargs)


def make_reader(**kwargs):
    return make_user(group=roles.READER, **kwargs)


def make_admin(**kwargs):
    return make_user(group=roles.ADMIN, is_staff=True, **kwargs)


def make_publication(name=None, **kwargs):
    return Publication.objects.create(
        name=name or f"工作简报{next(_seq)}",
        office_name=kwargs.pop("office_name", "测试县人民政府办公室"),
        **kwargs,
    )


def make_section(name=None, **kwargs):
    return Section.objects.create(name=name or f"栏目{next(_seq)}", **kwargs)


def make_distribution(**kwargs):
    return DistributionList.objects.create(
        name=kwargs.pop("name", f"分发{next(_seq)}"),
        lines=kwargs.pop("lines", "本期发：县委常委，县人大正副主任，副县长。"),
        **kwargs,
    )


def make_issue(publication=None, created_by=None, **kwargs):
    return Issue.objects.create(
        publication=publication or make_publication(),
        issue_date=kwargs.pop("issue_date", datetime.date(2026, 11, 24)),
        created_by=created_by or make_editor(),
        **kwargs,
    )


def make_item(department=None, author=None, **kwargs):
    department = department or make_department()
    return Item.objects.create(
        department=department,
        author=author or make_clerk(department),
        title=kwargs.pop("title", f"测试稿件{next(_seq)}"),
        body=kwargs.pop("body", "<p>正文。</p>"),
        **kwargs,
    )


def add_online_readers(distribution, *users):
    """Let ``users`` read online the issues sent to ``distribution`` (reading)."""
    from briefing.models import DistributionRecipients

    recipients, _ = DistributionRecipients.objects.get_or_create(
        distribution_list=distribution
    )
    recipients.users.add(*users)
    return recipients


def make_submission(items, by, recipient="市委办信息科", sent_at=None, **kwargs):
    """A 上报 of ``items`` as submissions.services would record it."""
    from django.utils import timezone

    from submissions.models import Submission, SubmissionItem

    kwargs.setdefault("office_name", "测试县委办公室")
    submission = Submission.objects.create(
        recipient=recipient,
        sent_at=sent_at or timezone.now(),
        created_by=by,
        **kwargs,
    )
    for position, item in enumerate(items, start=1):
        SubmissionItem.objects.create(
            submission=submission,
            item=item,
            position=position,
            title=item.title,
            body=item.body,
            unit_name=item.department.name,
        )
    return submission

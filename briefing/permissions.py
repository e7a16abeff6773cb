"""Who may see and do what to which item or issue (the workflow table says which
moves)."""

from django.db.models import Q

from briefing import workflow
from briefing.models import Item
from core import roles
from departments.models import Membership

S = Item.Status


def office_items_q() -> Q:
    """Items that have reached the editors: what editors and admins see."""
    return Q(status__in=workflow.EDITOR_STATES) | Q(
        status__in=[S.RETURNED, S.WITHDRAWN], submitted_at__isnull=False
    )


def visible_items_q(user) -> Q | None:
    """A filter for the items ``user`` may see; None means none at all.

    Clerks see their unit's items; unit reviewers their unit's items except
    drafts; editors and admins every item that has reached the editors (never
    a unit's drafts or items still in unit review).
    """
    if user is None or not user.is_authenticated:
        return None
    scopes = []
    m = roles.membership(user)
    if m is not None:
        unit = Q(department_id=m.department_id)
        if m.role == Membership.Role.REVIEWER:
            unit &= ~Q(status=S.DRAFT)
        scopes.append(unit)
    if roles.sees_every_unit(user):
        scopes.append(office_items_q())
    if not scopes:
        return None
    q = scopes[0]
    for scope in scopes[1:]:
        q |= scope
    return q


def can_see_all_issues(user) -> bool:
    """Editors, signers and admins see every issue, drafts included."""
    return roles.is_editor(user) or roles.is_signer(user) or roles.is_admin(user)


def may_read(user) -> bool:
    """Whether the reading pages are for ``user``: those who see every issue,
    readers (领导), and the units' clerks and reviewers (who read what goes to
    their unit)."""
    return (
        can_see_all_issues(user)
        or roles.is_reader(user)
        or roles.membership(user) is not None
    )


def can_view_item(user, item) -> bool:
    q = visible_items_q(user)
    return q is not None and Item.objects.filter(q, pk=item.pk).exists()


def can_edit_as_clerk(user, item) -> bool:
    return workflow.allows(user, item, "edit")


def can_edit_as_editor(user, item) -> bool:
    return workflow.allows(user, item, "editor_save")


def can_create_item(user) -> bool:
    return roles.is_clerk(user)


def may_upload_images(user) -> bool:
    """Who may paste images into the editor: unit members and editors."""
    return roles.membership(user) is not None or roles.is_editor(user)


def may_take_original(user) -> bool:
    """Editors and signers download the unmarked original; everyone else a
    copy marked for them."""
    return roles.is_editor(user) or roles.is_signer(user)

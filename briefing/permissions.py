"""Who may see and do what to which item (the workflow table says which moves)."""

from django.db.models import Q

from briefing import workflow
from briefing.models import EditorImage, Item
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


def can_view_editor_image(user, name) -> bool:
    """An editor image is visible to its uploader, and to whoever may see the
    item it was saved in: on the site, or as the signer of an adopted item or
    the reader of a published one."""
    if user is None or not user.is_authenticated:
        return False
    image = EditorImage.objects.filter(name=name).select_related("item").first()
    if image is None:
        return False
    if image.uploaded_by_id == user.pk:
        return True
    item = image.item
    if item is None:
        return False
    if can_view_item(user, item):
        return True
    # Signers see adopted items when signing; readers the published ones of
    # the issues they may read (their distribution).
    if roles.is_signer(user) and item.status in (S.ADOPTED, S.PUBLISHED):
        return True
    if not roles.is_reader(user) or item.status != S.PUBLISHED:
        return False
    from briefing.selectors.issues import visible_issues

    return visible_issues(user).filter(pk=item.issue_id).exists()

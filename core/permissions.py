"""Who may manage which account, and which role changes are allowed.

The rule chosen for separation of duties (issue 15): the roles 签发人 and 审计员
are granted and revoked by a superuser only. A 管理员 manages the other accounts:
never a superuser, never an account holding 签发人 or 审计员, and never by
granting roles to themselves. 审计员 and 管理员 (or superuser) are never one
account.
"""

from django.contrib.auth import get_user_model
from django.http import Http404

from audit.roles import AUDITOR

from . import roles

# Roles only a superuser grants or revokes; their holders only a superuser manages.
SUPERUSER_ROLES = frozenset({roles.SIGNER, AUDITOR})
# Roles one account may not hold together: the auditor checks the admin.
EXCLUSIVE_ROLES = frozenset({roles.ADMIN, AUDITOR})


def require_editor(user, refusal: Exception | None = None) -> None:
    """Only editors go on. Anyone else gets ``refusal`` (a service's error,
    with its message) or, from a view, Http404: the page is not there for them."""
    if not roles.is_editor(user):
        raise refusal or Http404


def may_manage_account(actor, user) -> bool:
    """Whether ``actor`` may see and change ``user``'s account in the admin
    (its data, password, active flag, roles, deletion)."""
    if actor is None or not actor.is_authenticated:
        return False
    if actor.is_superuser:
        return True
    if not roles.is_admin(actor) or user.is_superuser:
        return False
    if user.pk is not None and user.pk == actor.pk:
        return True
    held = set(user.groups.values_list("name", flat=True)) if user.pk else set()
    return not held & SUPERUSER_ROLES


def manageable_accounts(actor, accounts=None):
    """The accounts (a User queryset) ``actor`` may manage; see may_manage_account."""
    User = get_user_model()
    accounts = User.objects.all() if accounts is None else accounts
    if actor is None or not actor.is_authenticated:
        return accounts.none()
    if actor.is_superuser:
        return accounts
    if not roles.is_admin(actor):
        return accounts.none()
    above = User.objects.filter(groups__name__in=SUPERUSER_ROLES).exclude(pk=actor.pk)
    return accounts.exclude(is_superuser=True).exclude(pk__in=above)


def role_change_refusal(actor, user, groups) -> str:
    """Why ``actor`` may not give ``user`` exactly the role ``groups``, or ""."""
    wanted = {group.name for group in groups}
    held = set(user.groups.values_list("name", flat=True)) if user.pk else set()
    added, removed = wanted - held, held - wanted
    # A superuser is a 管理员 and more.
    if EXCLUSIVE_ROLES <= wanted | ({roles.ADMIN} if user.is_superuser else set()):
        return "审计员与管理员不能由同一账号兼任。"
    if not added and not removed:
        return ""
    if not may_manage_account(actor, user):
        return "无权管理该账号。"
    if added and user.pk == actor.pk:
        return "不能给自己授予角色。"
    if (added | removed) & SUPERUSER_ROLES and not actor.is_superuser:
        return "授予或撤销签发人、审计员角色须由超级管理员操作。"
    return ""

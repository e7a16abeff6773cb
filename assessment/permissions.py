"""Who may do what in the assessment (考核, 通报)."""

from core import roles


def may_manage(user) -> bool:
    """Editors keep the records (合报, 上级采用, 批示, 通报)."""
    return roles.is_editor(user)


def may_edit_rules(user) -> bool:
    return roles.is_admin(user)


def may_read_bulletins(user) -> bool:
    """Editors and admins (drafts too), unit members and readers (leaders)."""
    return (
        roles.sees_every_unit(user)
        or roles.membership(user) is not None
        or roles.is_reader(user)
    )

"""Who may do what with 出刊计划."""

from core import roles


def may_manage(user) -> bool:
    """Editors open, move and cancel planned issues and see the whole calendar."""
    return roles.is_editor(user)


def may_see_calendar(user) -> bool:
    """Editors, and unit members (who see the 截稿 and their own 约稿)."""
    return may_manage(user) or roles.membership(user) is not None

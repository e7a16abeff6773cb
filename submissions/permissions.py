"""Who may do what with 上报."""

from core import roles


def may_submit(user) -> bool:
    """Editors make 上报件 and keep their records."""
    return roles.is_editor(user)

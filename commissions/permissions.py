"""Who may do what with 约稿."""

from core import roles


def may_manage(user) -> bool:
    """Editors write commissions, see every unit's answers and send 催报."""
    return roles.is_editor(user)


def may_answer(user, commission) -> bool:
    """A clerk of a unit the commission asks (also after the deadline: late)."""
    m = roles.membership(user)
    return (
        roles.is_clerk(user)
        and commission.departments.filter(pk=m.department_id).exists()
    )

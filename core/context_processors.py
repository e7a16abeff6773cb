import functools

from notifications.context_processors import bell_count

from . import roles


def navigation(request):
    """``site_nav``: what the site header (base.html) shows the user, worked out
    when a page shows it (not ``site_header``: the admin's pages set that to
    their title)."""
    return {"site_nav": functools.cache(lambda: header_content(request))}


def header_content(request) -> dict | None:
    """What the header shows the user: name, role, which menus, the unread
    count; None for a visitor not logged in."""
    # None before the authentication middleware ran (a refused Host header).
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return {
        "name": user.get_full_name() or user.username,
        "role_label": roles.role_label(user),
        "clerk": roles.membership(user) is not None,
        "editor": roles.is_editor(user),
        "signer": roles.is_signer(user),
        # The units' members read what goes to their unit (permissions.may_read).
        "reader": roles.is_reader(user) or roles.membership(user) is not None,
        "instruct": user.has_perm(roles.INSTRUCT_PERM),
        "admin": user.is_staff,
        "audit": user.has_perm("audit.view_auditevent"),
        "unread": bell_count(request),
    }

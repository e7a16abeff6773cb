from django.middleware.csrf import get_token
from django.template.loader import render_to_string

from notifications.context_processors import bell_count

from . import roles
from .kept_html import CSRF_PLACEHOLDER, KeptHTML

# Every page shows it, and rendering it cost as much as all the middleware:
# kept by what it shows, not by user (two people with the same name, role,
# menus and unread count see the same header).
_headers = KeptHTML(limit=1000)


def navigation(request):
    """``page_header``: the site header, rendered when a page shows it (not
    ``site_header``: the admin's pages set that to their title)."""
    return {"page_header": lambda: site_header(request)}


def site_header(request):
    nav = header_content(request)
    html = _headers.get(
        tuple(nav.items()) if nav else None,
        lambda: render_to_string(
            "includes/site_header.html",
            {"nav": nav, "csrf_token": CSRF_PLACEHOLDER},
        ),
        # The logout form's; none for a visitor not logged in.
        get_token(request) if nav else None,
    )
    return html


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
        "reader": roles.is_reader(user),
        "instruct": user.has_perm(roles.INSTRUCT_PERM),
        "admin": user.is_staff,
        "audit": user.has_perm("audit.view_auditevent"),
        "unread": bell_count(request),
    }

from . import roles


def navigation(request):
    """What the header needs: the user's role label and which menus to show."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "nav": {
            "role_label": roles.role_label(user),
            "clerk": roles.membership(user) is not None,
            "editor": roles.is_editor(user),
            "signer": roles.is_signer(user),
            "reader": roles.is_reader(user),
            "admin": user.is_staff,
        }
    }

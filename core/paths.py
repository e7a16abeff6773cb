"""``reverse()`` remembered per process, for paths asked on every request.

The login middlewares, the site header and long lists (the inbox's item
links; ``{% path %}`` in templates) ask for the same paths request after
request, and one ``reverse()`` costs as much as a table row of the inbox. The
URL patterns are fixed for the life of the process: nothing here goes stale.
"""

import functools

from django.urls import get_script_prefix, get_urlconf, reverse


def path_of(name: str, *args) -> str:
    """``reverse(name, args=args)``, computed once per process."""
    return _reverse(name, args, get_script_prefix(), get_urlconf())


def paths_for(name: str):
    """``path_of(name, *args)`` as a function of ``args``, for the rows of a
    list: what ``reverse()`` depends on besides them is read once, not per
    row (two context-local reads cost more than the rest of ``path_of``)."""
    script_prefix, urlconf = get_script_prefix(), get_urlconf()
    return lambda *args: _reverse(name, args, script_prefix, urlconf)


@functools.lru_cache(maxsize=4096)
def _reverse(name, args, script_prefix, urlconf):
    # What reverse() depends on besides the name and args is part of the key.
    return reverse(name, args=args, urlconf=urlconf)

"""Opening the page a notification points to marks that notification read."""

from . import selectors, services


class MarkReadOnOpenMiddleware:
    """Marks read the user's notifications that link to the page being opened.

    Runs before the view (process_view), so the bell on that very page already
    counts it as read. A page the user may not open (404) marks it read too:
    there is nothing there the notification could still ask them to do. Only
    GET: HEAD is the item form's session probe, not the user opening a page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if request.method == "GET" and user is not None and user.is_authenticated:
            count, links = selectors.unread(user)
            if not services.mark_read_for_page(user, request.path, links):
                # Nothing marked: the bell on this page shows the count just
                # read (context_processors), with no second query.
                request.unread_notifications = count
        return None

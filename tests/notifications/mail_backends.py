"""E-mail backends for tests: the local-memory outbox, behind a server that is
down for the first ``FlakyBackend.failures`` connections."""

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    failures = 0
    opened = 0

    def open(self):
        type(self).opened += 1
        if type(self).opened <= type(self).failures:
            raise ConnectionRefusedError(111, "Connection refused")
        return super().open()

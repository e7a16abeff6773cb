"""E-mail backends for tests whose mail server is down for a while."""

import os
import time

from django.core.mail.backends import filebased
from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    """The local-memory outbox, refusing the first ``failures`` connections."""

    failures = 0
    opened = 0

    def open(self):
        type(self).opened += 1
        if type(self).opened <= type(self).failures:
            raise ConnectionRefusedError(111, "Connection refused")
        return super().open()


class FilesUnlessDown(filebased.EmailBackend):
    """Writes mail to files in EMAIL_FILE_PATH (visible to another process),
    refusing the connection while a file named DOWN is there, and hanging
    while one named HANG is."""

    def open(self):
        if os.path.exists(os.path.join(self.file_path, "DOWN")):
            raise ConnectionRefusedError(111, "Connection refused")
        while os.path.exists(os.path.join(self.file_path, "HANG")):
            time.sleep(0.2)
        return super().open()

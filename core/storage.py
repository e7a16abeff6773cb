"""Where static files are served from."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's storage (hashed names from the manifest collectstatic
    wrote), each file's URL worked out once per process: the manifest is read
    once at start-up anyway, and every page asks for the same five files,
    which took a quarter of the time its template took."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        url = self._urls.get(name)
        if url is None:
            url = self._urls[name] = super().url(name)
        return url

"""Static file URLs, worked out once per process, are whitenoise's own."""

import json

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from core.storage import StaticFilesStorage

pytestmark = pytest.mark.one_database


def test_urls_are_the_manifests_hashed_names(tmp_path, settings):
    settings.DEBUG = False
    manifest = {
        "paths": {"core/site.css": "core/site.0123abcd.css"},
        "version": "1.1",
        "hash": "0",
    }
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    ours = StaticFilesStorage(location=tmp_path, base_url="/static/")
    theirs = CompressedManifestStaticFilesStorage(
        location=tmp_path, base_url="/static/"
    )
    for name in ["core/site.css", "core/site.css", "core/site.css#top"]:
        assert ours.url(name) == theirs.url(name)
    assert ours.url("core/site.css") == "/static/core/site.0123abcd.css"

import os
from importlib import import_module

import pytest

# Playwright's sync API runs an event loop in the test thread; the Django ORM
# calls the tests make around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# The files that take longest, each one long test: they start first, so that
# neither pytest-xdist worker is left running one alone while the other idles
# (make test passes --no-loadscope-reorder: xdist would otherwise start the
# files with the most tests first and these last).
START_FIRST = [
    "tests/security/test_form_fuzz.py",
    "tests/browser/test_xss_browser.py",
    "tests/security/test_access_matrix.py",
]


# A test that asks for any of these (or is marked django_db) uses the test
# database; any other is marked no_database, so that .ci/run's second pass (on
# SQLite) runs only the tests whose result can depend on the database.
DATABASE_FIXTURES = {"db", "transactional_db", "live_server"}


def pytest_collection_modifyitems(items):
    def rank(item):
        path = item.nodeid.split("::")[0]
        return START_FIRST.index(path) if path in START_FIRST else len(START_FIRST)

    items.sort(key=rank)
    for item in items:
        if item.get_closest_marker("django_db") is None and not (
            DATABASE_FIXTURES & set(item.fixturenames)
        ):
            item.add_marker(pytest.mark.no_database)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, as the database starts empty:
    ids are used again from one test to the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def migration_data(request):
    """The role groups and the adoption levels come from migrations, and a
    transactional test empties every table when it ends: make them again
    before a test that uses the database, so none depends on the order the
    tests run in (or on which xdist worker ran what before it)."""
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction")
    if "live_server" in names or transactional:
        request.getfixturevalue("transactional_db")
    elif marker is not None or "db" in names:
        request.getfixturevalue("db")
    else:
        return
    from django.apps import apps
    from django.contrib.auth.models import Group

    from assessment.models import AdoptionLevel
    from core.roles import EDITOR, ensure_role_groups

    if not Group.objects.filter(name=EDITOR).exists():
        ensure_role_groups()
    if not AdoptionLevel.objects.exists():
        levels = import_module("assessment.migrations.0002_default_levels_and_rules")
        levels.seed(apps, None)


# The seed issue's PDF as load_demo renders it, by its HTML: rendered once a
# test session, not once a test (each test still gets its own rows and file).
_demo_pdfs: dict[str, bytes] = {}


@pytest.fixture
def demo(db, monkeypatch):
    """The demo data set, as `make run` loads it."""
    from django.core.management import call_command

    from briefing.services import issues

    render = issues.render_pdf

    def render_once(html):
        if html not in _demo_pdfs:
            _demo_pdfs[html] = render(html)
        return _demo_pdfs[html]

    with monkeypatch.context() as patch:
        patch.setattr(issues, "render_pdf", render_once)
        call_command("load_demo", stdout=open(os.devnull, "w"))


# Chromium makes a new frame host for every navigation (RenderDocument): 15 %
# of its CPU time in the XSS walk, which opens some 250 pages.
# Chromium keeps only the last --disable-features, so Playwright's own list
# (playwright-core's chromiumSwitches, as of playwright==1.65.2 in
# requirements-dev.txt: compare it again when upgrading) is repeated here.
PLAYWRIGHT_DISABLED_FEATURES = [
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "CDPScreenshotNewSurface",
    "SkipListAccountsWithoutGaiaCookies",
]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-features=" + ",".join(PLAYWRIGHT_DISABLED_FEATURES + ["RenderDocument"]),
]
SCREENSHOT_DIR = os.path.join(os.path.dirname(__file__), "..", "test-output", "shots")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (its own download does not work here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_context(request, browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    context.set_default_timeout(10_000)
    try:
        yield context
        if request.node.stash.get(CALL_FAILED, False):
            # What Chromium showed when the test failed, for whoever reads the
            # failure (screenshots of passing steps need TEST_SHOTS=1).
            folder = os.path.join(SCREENSHOT_DIR, request.node.name)
            os.makedirs(folder, exist_ok=True)
            for n, page in enumerate(context.pages, 1):
                page.screenshot(
                    path=os.path.join(folder, f"failed-{n}.png"), full_page=True
                )
    finally:
        context.close()


CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.stash[CALL_FAILED] = True
    return report


@pytest.fixture
def shot(request):
    """With TEST_SHOTS=1, shot(page, "step") saves a screenshot of the whole
    page under test-output/shots/<test>/, for a person to look at. Off by
    default: no test reads them, and the some 90 full-page PNGs cost Chromium
    about 20 s of CPU a run."""
    if not os.environ.get("TEST_SHOTS"):
        return lambda page, name: None
    folder = os.path.join(SCREENSHOT_DIR, request.node.name)
    os.makedirs(folder, exist_ok=True)
    counter = iter(range(1, 1000))

    def take(page, name):
        page.screenshot(
            path=os.path.join(folder, f"{next(counter):02d}-{name}.png"), full_page=True
        )

    return take


def login(page, username, password):
    """Log in through the login form, as a person does."""
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


@pytest.fixture(scope="session", autouse=True)
def flush_deletes_rows():
    """Tests that run outside a transaction are emptied afterwards by Django's
    flush. On PostgreSQL that is a TRUNCATE of every table, about a second
    each time (new files for each of some 70 tables and their indexes) while
    the rows a test leaves take milliseconds to delete: delete them instead,
    with triggers and foreign-key checks off for that transaction (every table
    is emptied, so nothing is left pointing anywhere; needs a superuser, as
    the test database's owner is in CI and in the README).

    The TRUNCATE that remains (SQLite has none; sequences to reset; not a
    superuser) is refused by the audit trail's no_truncate trigger: only the
    test suite may, so it switches the trigger off for its own flush
    (pgtrigger.ignore, a setting of the session)."""
    import pgtrigger
    from django.core.management.commands import flush

    original_handle, original_sql = flush.Command.handle, flush.sql_flush

    def handle(self, *args, **options):
        with pgtrigger.ignore("audit.AuditEvent:no_truncate"):
            return original_handle(self, *args, **options)

    def sql_flush(style, connection, reset_sequences=True, allow_cascade=False):
        if connection.vendor != "postgresql" or reset_sequences:
            return original_sql(style, connection, reset_sequences, allow_cascade)
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('is_superuser') = 'on'")
            if not cursor.fetchone()[0]:
                return original_sql(style, connection, reset_sequences, allow_cascade)
        tables = connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        quote = connection.ops.quote_name
        return ["SET LOCAL session_replication_role = replica"] + [
            f"DELETE FROM {quote(table)}" for table in tables
        ]

    flush.Command.handle, flush.sql_flush = handle, sql_flush
    yield
    flush.Command.handle, flush.sql_flush = original_handle, original_sql

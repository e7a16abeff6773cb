"""Server-side HTML sanitising (nh3 allow-list) for every stored rich-text field.

CKEditor filters only in the browser; whatever a browser sends is cleaned here
before it is stored, and again when it is rendered.
"""

import html
import re

import nh3

# Images may only come from this site's own editor-image view (never data:,
# never another host): /items/images/<32 hex>.<png|jpg>.
IMAGE_URL_RE = re.compile(r"/items/images/[0-9a-f]{32}\.(?:png|jpg)")
_NUMBER_RE = re.compile(r"\d{1,4}")

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "h2", "h3", "h4", "blockquote", "ul", "ol", "li",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "figure", "figcaption", "img", "a",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"start"},
}


def _filter_attribute(tag: str, attr: str, value: str) -> str | None:
    if tag == "img" and attr == "src":
        return value if IMAGE_URL_RE.fullmatch(value) else None
    if attr in {"width", "height", "colspan", "rowspan", "start"}:
        return value if _NUMBER_RE.fullmatch(value) else None
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style", "iframe", "object", "embed", "svg", "math",
                        "template", "noscript", "textarea", "select"},
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    url_schemes={"http", "https", "mailto"},
    allowed_classes={"figure": {"image", "table"}},
    link_rel="noopener noreferrer",
    strip_comments=True,
)  # fmt: skip

_TAG_RE = re.compile(r"<[^>]*>")
_BLOCK_END_RE = re.compile(
    r"</(p|h[1-6]|li|tr|blockquote|figcaption|caption)>|<br\s*/?>"
)


def clean_html(value: str) -> str:
    """The allowed subset of ``value``: no scripts, handlers, styles or foreign URLs."""
    if not value:
        return ""
    return _cleaner.clean(value).strip()


def html_to_text(value: str) -> str:
    """Plain text of an HTML fragment, one block per line (for search and diffs)."""
    if not value:
        return ""
    text = _BLOCK_END_RE.sub("\n", value)
    text = html.unescape(_TAG_RE.sub("", text))
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def search_text(title: str, body: str) -> str:
    """What ``Item.search_text`` holds: title and body as plain text."""
    return f"{title.strip()}\n{html_to_text(clean_html(body))}".strip()

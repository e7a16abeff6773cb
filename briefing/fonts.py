"""Font roles of the printed briefing: which CSS font families each role uses.

The standard fonts (方正小标宋, 黑体, 楷体, 仿宋_GB2312) are licensed per office and
cannot ship with the product, so every role is a setting holding a CSS font-family
list whose tail is a free Debian font. Fonts an office drops into
``BRIEFING_FONTS_DIR`` are registered with ``@font-face`` and win over installed ones.
"""

import functools
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

# role: (setting name, label shown in checks, default CSS list)
ROLES = {
    "title": (
        "BRIEFING_FONT_TITLE",
        "报头标题（小标宋）",
        '"方正小标宋简体", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC", serif',
    ),
    "hei": (
        "BRIEFING_FONT_HEI",
        "黑体",
        '"黑体", "SimHei", "Noto Sans CJK SC", sans-serif',
    ),
    "kai": (
        "BRIEFING_FONT_KAI",
        "楷体",
        '"楷体_GB2312", "KaiTi", "LXGW WenKai", "AR PL UKai CN", serif',
    ),
    "fangsong": (
        "BRIEFING_FONT_FANGSONG",
        "正文（仿宋）",
        '"仿宋_GB2312", "FangSong", "Noto Serif CJK SC", serif',
    ),
}

GENERIC_FAMILIES = {
    "serif",
    "sans-serif",
    "monospace",
    "cursive",
    "fantasy",
    "system-ui",
    "ui-serif",
    "ui-sans-serif",
    "ui-monospace",
    "math",
    "emoji",
}

FONT_SUFFIXES = {".ttf", ".otf", ".ttc"}

# A font that cannot draw these is not a Chinese font, whatever its name says.
_CJK_PROBE = (ord("中"), ord("国"))


@dataclass(frozen=True)
class DirFont:
    """One face found in BRIEFING_FONTS_DIR."""

    path: Path
    families: tuple[str, ...]
    weight: int
    italic: bool
    index: int = 0  # the face's number in a .ttc collection


def role_label(role: str) -> str:
    return ROLES[role][1]


def parse_family_list(value) -> list[str]:
    """Split a CSS font-family value (or a list of names) into bare names."""
    if isinstance(value, list | tuple):
        parts = [str(part) for part in value]
    else:
        # Commas inside quotes belong to the name, not the list.
        parts = re.findall(r'"[^"]*"|\'[^\']*\'|[^,]+', str(value))
    names = []
    for part in parts:
        name = part.strip().strip("\"'").strip()
        if name:
            names.append(name)
    return names


def configured_families(role: str) -> list[str]:
    """The role's family list as set in settings (or the default)."""
    setting, _label, default = ROLES[role]
    return parse_family_list(getattr(settings, setting, default))


def fonts_dir() -> Path | None:
    value = getattr(settings, "BRIEFING_FONTS_DIR", None)
    if not value:
        return None
    path = Path(value)
    return path if path.is_dir() else None


def dir_fonts() -> list[DirFont]:
    """Chinese faces found in BRIEFING_FONTS_DIR, in file-name order."""
    folder = fonts_dir()
    if folder is None:
        return []
    faces = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in FONT_SUFFIXES and path.is_file():
            stat = path.stat()
            faces.extend(_read_font_file(path, stat.st_mtime_ns, stat.st_size))
    return faces


@functools.lru_cache(maxsize=64)
def _read_font_file(path: Path, _mtime_ns: int, _size: int) -> tuple[DirFont, ...]:
    # mtime and size are part of the cache key so a replaced file is read again.
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        if path.suffix.lower() == ".ttc":
            fonts = TTCollection(path, lazy=True).fonts
        else:
            fonts = [TTFont(path, lazy=True)]
    except (OSError, TTLibError):
        return ()
    faces = []
    for index, font in enumerate(fonts):
        cmap = font.getBestCmap() or {}
        if not all(code in cmap for code in _CJK_PROBE):
            continue
        names = font["name"]
        families = []
        for record in names.names:
            # 1 = family, 16 = typographic family; both are what CSS may ask for.
            if record.nameID in (1, 16):
                try:
                    family = record.toUnicode().strip()
                except UnicodeDecodeError:
                    continue
                if family and family not in families:
                    families.append(family)
        if not families:
            continue
        os2 = font["OS/2"] if "OS/2" in font else None
        weight = os2.usWeightClass if os2 else 400
        italic = bool(os2.fsSelection & 1) if os2 else False
        faces.append(DirFont(path, tuple(families), weight, italic, index))
    return tuple(faces)


@functools.lru_cache(maxsize=1)
def _fontconfig_cjk_families() -> tuple[str, ...]:
    try:
        result = subprocess.run(
            ["fc-list", ":lang=zh", "family"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ()
    families = []
    for line in result.stdout.splitlines():
        # One face per line; a face lists all its family names, comma-separated.
        for name in re.split(r"(?<!\\),", line):
            name = name.replace("\\,", ",").strip()
            if name and name not in families:
                families.append(name)
    return tuple(families)


def available_cjk_families() -> list[str]:
    """Families that can draw Chinese: the fonts folder first, then fontconfig's."""
    families = []
    for face in dir_fonts():
        families.extend(name for name in face.families if name not in families)
    families.extend(name for name in _fontconfig_cjk_families() if name not in families)
    return families


def role_families(role: str) -> list[str]:
    """The role's family list with the fonts folder taken into account.

    A folder font named in this role's list moves to the front of it; a folder
    font named in no role's list is put first in every role, so an office that
    drops in one font with an unexpected name still sees it used.
    """
    configured = configured_families(role)
    named_anywhere = {
        name.casefold() for other in ROLES for name in configured_families(other)
    }
    in_folder, unclaimed = set(), []
    for face in dir_fonts():
        folded = {name.casefold() for name in face.families}
        if folded & named_anywhere:
            in_folder |= folded
        else:
            unclaimed.extend(face.families)
    # The folder's fonts of this role, in the order the setting gives them.
    own = [name for name in configured if name.casefold() in in_folder]
    families = []
    for name in unclaimed + own + configured:
        if name.casefold() not in {family.casefold() for family in families}:
            families.append(name)
    return families


def missing_roles() -> list[str]:
    """Roles none of whose named families is available (only a generic remains)."""
    available = {name.casefold() for name in available_cjk_families()}
    missing = []
    for role in ROLES:
        named = [
            name for name in role_families(role) if name.lower() not in GENERIC_FAMILIES
        ]
        if not any(name.casefold() in available for name in named):
            missing.append(role)
    return missing


def css_string(value: str) -> str:
    """A CSS string literal that cannot close the <style> element it sits in."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return f'"{escaped}"'


def css_family_list(names: list[str]) -> str:
    return ", ".join(
        name if name.lower() in GENERIC_FAMILIES else css_string(name) for name in names
    )


def font_face_css() -> str:
    """@font-face rules for every family name of every font in the fonts folder."""
    rules = []
    for face in dir_fonts():
        style = "italic" if face.italic else "normal"
        for family in face.families:
            rules.append(
                "@font-face { "
                f"font-family: {css_string(family)}; "
                f"src: url({css_string(face.path.resolve().as_uri())}); "
                f"font-weight: {face.weight}; font-style: {style}; }}"
            )
    return "\n".join(rules)


def font_css() -> str:
    """The CSS the print template inlines: @font-face rules and one variable a role."""
    variables = "\n".join(
        f"  --font-{role}: {css_family_list(role_families(role))};" for role in ROLES
    )
    return f"{font_face_css()}\n:root {{\n{variables}\n}}\n"

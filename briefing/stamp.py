"""Marks on a copy of a signed PDF: a light diagonal watermark behind the text of
every page, and the 份号 (copy number) in the masthead of a classified issue.

Works on bytes and returns new bytes; the stored file is never touched. The
marks are real text (copying or searching the PDF finds them) in a TrueType
CJK font subset to their characters with HarfBuzz, the library WeasyPrint uses:
a subset takes under a millisecond where fontTools takes ~0.3 s.
"""

import ctypes
import functools
import io
import math
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import fonts

MM = 72 / 25.4
# The type area (版心) of GB/T 9704, as static/briefing/print.css sets it, in PDF
# points from the bottom left.
TYPE_LEFT, TYPE_RIGHT = 28 * MM, (210 - 26) * MM
TYPE_BOTTOM, TYPE_TOP = 35 * MM, (297 - 37) * MM
LINE = 28.95

WATERMARK_SIZE = 20
# Below this a diagonal character's box is small enough to pass for body text
# (16 pt) or the 版记 (14 pt) in a read-back; long marks wrap instead.
WATERMARK_MIN_SIZE = 18
WATERMARK_GREY = 0.8
WATERMARK_ANGLE = math.radians(30)
COPY_NUMBER_SIZE = 16  # 3号

# Our font's name in each page's resources; WeasyPrint names its fonts
# with six capitals.
_FONT = "/BriefingMark"


class StampError(Exception):
    """The copy could not be marked; the message is fit to show to a reader."""


# ---- the font ---------------------------------------------------------------


@functools.cache
def _harfbuzz():
    try:
        hb = ctypes.CDLL("libharfbuzz-subset.so.0")
    except OSError:
        return None
    p, u = ctypes.c_void_p, ctypes.c_uint
    signatures = {
        "hb_blob_create_from_file": ([ctypes.c_char_p], p),
        "hb_face_create": ([p, u], p),
        "hb_subset_input_create_or_fail": ([], p),
        "hb_subset_input_unicode_set": ([p], p),
        "hb_set_add": ([p, ctypes.c_uint32], None),
        "hb_subset_or_fail": ([p, p], p),
        "hb_face_reference_blob": ([p], p),
        "hb_blob_get_data": ([p, ctypes.POINTER(u)], ctypes.c_void_p),
        "hb_blob_destroy": ([p], None),
        "hb_face_destroy": ([p], None),
        "hb_subset_input_destroy": ([p], None),
    }
    for name, (argtypes, restype) in signatures.items():
        function = getattr(hb, name)
        function.argtypes, function.restype = argtypes, restype
    return hb


def _is_truetype_cjk(path: Path, index: int) -> bool:
    from fontTools.ttLib import TTFont, TTLibError

    try:
        font = TTFont(path, fontNumber=index, lazy=True)
        cmap = font.getBestCmap() or {}
        return "glyf" in font and ord("中") in cmap and ord("份") in cmap
    except (OSError, TTLibError):
        return False


def _fontconfig_faces() -> list[tuple[Path, int, tuple[str, ...], bool]]:
    try:
        result = subprocess.run(
            [
                "fc-list",
                ":lang=zh",
                "--format",
                "%{file}\t%{index}\t%{family}\t%{weight}\n",
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    faces = []
    for line in result.stdout.splitlines():
        path, _, rest = line.partition("\t")
        index, _, rest = rest.partition("\t")
        families, _, weight = rest.partition("\t")
        if path and index.isdigit():
            names = tuple(name.strip() for name in families.split(","))
            # fontconfig's weight 80 is Regular; the marks are set in it.
            regular = weight.strip() == "80"
            faces.append((Path(path), int(index), names, regular))
    return faces


@functools.cache
def _face_file() -> tuple[Path, int]:
    """The font the marks are set in: the first TrueType-outlined CJK face of
    the 楷体 role (then 黑体, 仿宋), the fonts folder before fontconfig's."""
    faces = [(f.path, f.index, f.families, f.weight == 400) for f in fonts.dir_fonts()]
    faces += _fontconfig_faces()
    wanted = [
        name.casefold()
        for role in ("kai", "hei", "fangsong")
        for name in fonts.role_families(role)
    ]
    ranked = sorted(
        faces,
        key=lambda face: (
            min(
                (wanted.index(n.casefold()) for n in face[2] if n.casefold() in wanted),
                default=len(wanted),
            ),
            not face[3],
        ),
    )
    for path, index, _families, _regular in ranked:
        if _is_truetype_cjk(path, index):
            return path, index
    raise StampError(
        "无法为下载的简报加标记：服务器上没有 TrueType 格式的中文字体。"
        "请安装 fonts-lxgw-wenkai 或 fonts-arphic-ukai。"
    )


@functools.cache
def _source_face():
    hb = _harfbuzz()
    if hb is None:
        raise StampError("无法为下载的简报加标记：服务器缺少 libharfbuzz-subset0。")
    path, index = _face_file()
    # Mapped, not read: the face costs no memory until glyphs are taken from it.
    blob = hb.hb_blob_create_from_file(str(path).encode())
    return hb.hb_face_create(blob, index)


def _subset(text: str) -> bytes:
    hb = _harfbuzz()
    face = _source_face()
    subset_input = hb.hb_subset_input_create_or_fail()
    unicodes = hb.hb_subset_input_unicode_set(subset_input)
    for char in set(text):
        hb.hb_set_add(unicodes, ord(char))
    subset = hb.hb_subset_or_fail(face, subset_input)
    hb.hb_subset_input_destroy(subset_input)
    if not subset:
        raise StampError("无法为下载的简报加标记：字体子集化失败。")
    blob = hb.hb_face_reference_blob(subset)
    length = ctypes.c_uint()
    data = ctypes.string_at(
        hb.hb_blob_get_data(blob, ctypes.byref(length)), length.value
    )
    hb.hb_blob_destroy(blob)
    hb.hb_face_destroy(subset)
    return data


@dataclass
class _Font:
    program: bytes
    glyphs: dict[str, int]  # character → glyph id in the subset
    widths: dict[int, int]  # glyph id → advance, in 1/1000 of the size
    ascent: int
    descent: int
    bbox: list[int]

    @classmethod
    def for_text(cls, text: str) -> "_Font":
        from fontTools.ttLib import TTFont

        program = _subset(text)
        font = TTFont(io.BytesIO(program))
        scale = 1000 / font["head"].unitsPerEm
        order = font.getGlyphOrder()
        cmap = font.getBestCmap()
        glyphs = {
            char: font.getGlyphID(cmap[ord(char)]) for char in text if ord(char) in cmap
        }
        # A character the font lacks (a rare one in a name) is left out of the
        # mark rather than drawn as an empty box; the copy number identifies
        # the reader anyway.
        metrics = font["hmtx"].metrics
        widths = {gid: round(metrics[order[gid]][0] * scale) for gid in glyphs.values()}
        head = font["head"]
        return cls(
            program=program,
            glyphs=glyphs,
            widths=widths,
            ascent=round(font["hhea"].ascent * scale),
            descent=round(font["hhea"].descent * scale),
            bbox=[
                round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)
            ],
        )

    def width(self, text: str, size: float) -> float:
        advances = (self.widths[self.glyphs[c]] for c in text if c in self.glyphs)
        return sum(advances) * size / 1000

    def encode(self, text: str) -> str:
        return "".join(f"{self.glyphs[c]:04x}" for c in text if c in self.glyphs)


def _font_objects(writer, font: _Font):
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    def stream(data: bytes, **entries):
        obj = DecodedStreamObject()
        obj.set_data(data)
        obj.update({NameObject(k): v for k, v in entries.items()})
        return writer._add_object(obj.flate_encode())

    name = NameObject("/BRFMRK+BriefingMark")
    descriptor = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/FontDescriptor"),
            NameObject("/FontName"): name,
            NameObject("/Flags"): NumberObject(4),
            NameObject("/FontBBox"): ArrayObject(NumberObject(v) for v in font.bbox),
            NameObject("/ItalicAngle"): NumberObject(0),
            NameObject("/Ascent"): NumberObject(font.ascent),
            NameObject("/Descent"): NumberObject(font.descent),
            NameObject("/CapHeight"): NumberObject(font.ascent),
            NameObject("/StemV"): NumberObject(80),
            NameObject("/FontFile2"): stream(
                font.program, **{"/Length1": NumberObject(len(font.program))}
            ),
        }
    )
    widths = ArrayObject()
    for gid in sorted(font.widths):
        widths += [NumberObject(gid), ArrayObject([NumberObject(font.widths[gid])])]
    cid_font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/CIDFontType2"),
            NameObject("/BaseFont"): name,
            NameObject("/CIDSystemInfo"): DictionaryObject(
                {
                    NameObject("/Registry"): TextStringObject("Adobe"),
                    NameObject("/Ordering"): TextStringObject("Identity"),
                    NameObject("/Supplement"): NumberObject(0),
                }
            ),
            NameObject("/FontDescriptor"): writer._add_object(descriptor),
            NameObject("/W"): widths,
            NameObject("/CIDToGIDMap"): NameObject("/Identity"),
        }
    )
    pairs = "\n".join(
        f"<{gid:04x}> <{char.encode('utf-16-be').hex()}>"
        for char, gid in sorted(font.glyphs.items(), key=lambda pair: pair[1])
    )
    to_unicode = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <ffff> endcodespacerange\n"
        f"{len(font.glyphs)} beginbfchar\n{pairs}\nendbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end\n"
    )
    return writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type0"),
                NameObject("/BaseFont"): name,
                NameObject("/Encoding"): NameObject("/Identity-H"),
                NameObject("/DescendantFonts"): ArrayObject(
                    [writer._add_object(cid_font)]
                ),
                NameObject("/ToUnicode"): stream(to_unicode.encode("ascii")),
            }
        )
    )


# ---- the marks --------------------------------------------------------------


def _watermark_ops(font: _Font, lines: list[str]) -> str:
    """Two blocks of ``lines``, each centred in one half of the type area and
    turned by WATERMARK_ANGLE; every character stays inside the type area."""
    cos, sin = math.cos(WATERMARK_ANGLE), math.sin(WATERMARK_ANGLE)
    width = TYPE_RIGHT - TYPE_LEFT
    half = (TYPE_TOP - TYPE_BOTTOM) / 2
    longest = max(lines, key=lambda line: font.width(line, 1))
    size = WATERMARK_SIZE
    while size > WATERMARK_MIN_SIZE and (
        font.width(longest, size) * cos + len(lines) * 1.5 * size * sin > width - 20
    ):
        size -= 0.5
    leading = 1.5 * size
    ops = [f"{WATERMARK_GREY} g", "BT", f"{_FONT} {size} Tf"]
    for centre_y in (TYPE_BOTTOM + half * 1.5, TYPE_BOTTOM + half * 0.5):
        centre_x = TYPE_LEFT + width / 2
        block = leading * len(lines)
        for number, line in enumerate(lines):
            # The line's own offset from the block centre, perpendicular to it.
            offset = block / 2 - leading * (number + 1) + (leading - size) / 2
            length = font.width(line, size)
            x = centre_x - length / 2 * cos - offset * sin
            y = centre_y - length / 2 * sin + offset * cos
            ops.append(f"{cos:.5f} {sin:.5f} {-sin:.5f} {cos:.5f} {x:.2f} {y:.2f} Tm")
            ops.append(f"<{font.encode(line)}> Tj")
    ops.append("ET")
    return "\n".join(ops)


def _copy_number_ops(font: _Font, copy_number: str) -> str:
    """The 份号 on the first line of the type area, flush left (GB/T 9704)."""
    baseline = TYPE_TOP - (LINE - COPY_NUMBER_SIZE) / 2 - COPY_NUMBER_SIZE * 0.88
    return (
        f"BT 0 g {_FONT} {COPY_NUMBER_SIZE} Tf "
        f"1 0 0 1 {TYPE_LEFT:.2f} {baseline:.2f} Tm "
        f"<{font.encode(copy_number)}> Tj ET"
    )


def stamp_pdf(pdf: bytes, lines: list[str], *, copy_number: str = "") -> bytes:
    """``pdf`` with ``lines`` as a light diagonal watermark behind the text of
    every page and, when given, ``copy_number`` (份号) on page 1's first line.

    Raises StampError when no usable font is installed.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
    )

    lines = [line for line in lines if line.strip()]
    font = _Font.for_text("".join(lines) + copy_number)
    try:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    except (PyPdfError, ValueError) as exc:
        raise StampError(
            f"无法为下载的简报加标记：文件不是可读的 PDF（{exc}）。"
        ) from exc
    font_ref = _font_objects(writer, font)

    def raw(ops: str):
        obj = DecodedStreamObject()
        obj.set_data(ops.encode("ascii"))
        return writer._add_object(obj)

    def content(ops: str):
        return raw(f"q\n{ops}\nQ\n")

    behind = content(_watermark_ops(font, lines)) if lines else None
    on_top = content(_copy_number_ops(font, copy_number)) if copy_number else None
    save, restore = raw("q\n"), raw("Q\n")
    for number, page in enumerate(writer.pages):
        if "/Resources" not in page:
            page[NameObject("/Resources")] = DictionaryObject()
        resources = page["/Resources"]
        fonts_here = resources.get("/Font")
        if fonts_here is None:
            resources[NameObject("/Font")] = fonts_here = DictionaryObject()
        fonts_here.get_object()[NameObject(_FONT)] = font_ref
        contents = page.get("/Contents")
        if contents is None:
            old = []
        elif isinstance(contents.get_object(), ArrayObject):
            old = list(contents.get_object())
        else:
            old = [page.raw_get("/Contents")]
        new = [behind] if behind else []
        # The page's own content leaves its coordinate system changed (WeasyPrint
        # flips it): wrap it in q … Q before drawing anything after it.
        new += [save, *old, restore]
        if on_top is not None and number == 0:
            new.append(on_top)
        page[NameObject("/Contents")] = ArrayObject(new)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()

"""Uploaded files: type checked by content, stored privately under random names."""

import hashlib
import re
import uuid
import zipfile
from pathlib import Path, PurePosixPath

import olefile
import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat

# Extension → the content type it is served with (always as a download).
ATTACHMENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "jpg": "image/jpeg",
    "png": "image/png",
}
IMAGE_TYPES = {"jpg": "image/jpeg", "png": "image/png"}
JPEG_NAMES = {"jpg", "jpeg", "jfif", "jpe"}
EDITOR_IMAGE_DIR = "editor-images"


def extension(name: str) -> str:
    ext = PurePosixPath(name or "").suffix.lower().lstrip(".")
    return "jpg" if ext == "jpeg" else ext


def _is_docx(uploaded) -> bool:
    """A ZIP that starts at its first byte (nothing prepended) and holds the
    two parts every Word document has."""
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        uploaded.seek(0)
    return (
        bool(entries)
        and entries[0].header_offset == 0
        and {"[Content_Types].xml", "word/document.xml"} <= names
    )


def _is_doc(uploaded) -> bool:
    """An OLE2 compound file with a WordDocument stream: an .msi, .xls or .ppt
    is OLE2 too, and is not a Word document."""
    uploaded.seek(0)
    try:
        if not olefile.isOleFile(uploaded):
            return False
        uploaded.seek(0)
        with olefile.OleFileIO(uploaded) as ole:
            return ole.exists("WordDocument")
    except Exception:  # olefile raises many kinds on a malformed file
        return False
    finally:
        uploaded.seek(0)


def check_upload(
    uploaded, allowed: dict[str, str] = ATTACHMENT_TYPES, max_bytes=None
) -> str:
    """Check size (``max_bytes``, else UPLOAD_MAX_BYTES) and type (by content,
    not only by name); return the extension.

    Raises ValidationError with a message for the user.
    """
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    names = "、".join(allowed)
    ext = extension(uploaded.name)
    if ext not in allowed:
        raise ValidationError(f"只能上传 {names} 文件：“{uploaded.name}”不是。")
    if uploaded.size > max_bytes:
        raise ValidationError(
            f"“{uploaded.name}”太大：上限为 {filesizeformat(max_bytes)}。"
        )
    if uploaded.size == 0:
        raise ValidationError(f"“{uploaded.name}”是空文件。")
    if ext == "docx":
        matches = _is_docx(uploaded)
    elif ext == "doc":
        matches = _is_doc(uploaded)
    else:
        uploaded.seek(0)
        head = uploaded.read(8192)
        uploaded.seek(0)
        try:
            found = {
                m.extension.lstrip(".").lower() for m in puremagic.magic_string(head)
            }
        except puremagic.PureError:
            found = set()
        matches = bool(found & JPEG_NAMES) if ext == "jpg" else ext in found
    if not matches:
        raise ValidationError(
            f"“{uploaded.name}”的内容不是 {ext} 文件，请检查后重新上传。"
        )
    return ext


def store(uploaded, folder: str, ext: str) -> str:
    """Save under MEDIA_ROOT/<folder>/ with a random name; return the stored name."""
    name = f"{folder}/{uuid.uuid4().hex}.{ext}"
    return default_storage.save(name, uploaded)


def store_editor_image(uploaded) -> str:
    """Check and store an image pasted into the editor; return its file name.

    Pictures in the text have their own, smaller limit: leaders read on phones.
    """
    limit = settings.CKEDITOR_5_MAX_FILE_SIZE * 1024 * 1024
    ext = check_upload(uploaded, IMAGE_TYPES, max_bytes=limit)
    stored = store(uploaded, EDITOR_IMAGE_DIR, ext)
    return PurePosixPath(stored).name


def save_pdf(document, name: str, pdf: bytes):
    """Store ``pdf`` in ``document.file`` with its SHA-256 and size, then the row.

    The storage picks a new name rather than overwrite an existing file; if the
    row cannot be saved the written file goes too.
    """
    document.sha256 = hashlib.sha256(pdf).hexdigest()
    document.size = len(pdf)
    document.file.save(name, ContentFile(pdf), save=False)
    try:
        document.save()
    except BaseException:
        document.file.delete(save=False)
        raise
    return document


def download_response(stored) -> FileResponse:
    """A privately stored file (see ``briefing.models.StoredFile``), always as a
    download with the type checked at upload; 404 when the file is gone.

    Callers check who may see it first.
    """
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


_EDITOR_IMAGE_SRC_RE = re.compile(r'src="/items/images/([0-9a-f]{32}\.(?:png|jpg))"')


def images_for_print(body_html: str) -> str:
    """Point the editor images of sanitised HTML at their files, for the PDF.

    On the site an image is served by a view that checks access; the renderer
    reads the private file itself instead (it refuses every URL outside our
    folders).
    """
    folder = Path(settings.MEDIA_ROOT).resolve() / EDITOR_IMAGE_DIR

    def file_src(match):
        return f'src="{(folder / match.group(1)).as_uri()}"'

    return _EDITOR_IMAGE_SRC_RE.sub(file_src, body_html)


class PrivateStorage(FileSystemStorage):
    """MEDIA_ROOT without a public URL: files are served only by checking views.

    Set as CKEDITOR_5_FILE_STORAGE so that even the package's own upload view,
    if it were ever mounted, could not publish a file under the user's name.
    """

    def get_available_name(self, name, max_length=None):
        ext = extension(name) or "bin"
        return super().get_available_name(
            f"{EDITOR_IMAGE_DIR}/{uuid.uuid4().hex}.{ext}", max_length
        )

    def url(self, name):
        raise ValueError("私有文件没有公开网址。")

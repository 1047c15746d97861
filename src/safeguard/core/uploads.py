"""What an uploaded file really is, by its content (its first bytes), never by its name.

Every upload path asks :func:`sniff` and accepts only the kinds it allows; a name's
extension may add a check but never decides. :func:`zip_check` refuses archives that
would unpack to far more than they weigh (zip bombs: an XLSX or DOCX is a zip), and
:func:`svg_check` refuses SVG images that carry script, event handlers or links out,
for any page that ever accepts images.
"""

from __future__ import annotations

import io
import re
import zipfile

# Binary formats by their first bytes ("magic numbers").
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),  # an empty archive
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),  # old Office files (.xls, .doc), macros and all
    (b"\x1f\x8b", "gzip"),
    (b"\x7fELF", "executable"),
    (b"MZ", "executable"),
    (b"7z\xbc\xaf\x27\x1c", "archive"),
    (b"Rar!", "archive"),
)
_MARKUP = re.compile(rb"^(\xef\xbb\xbf)?\s*<", re.DOTALL)
_SVG = re.compile(rb"<svg[\s>]", re.IGNORECASE)
# Control characters a text file never holds (tab, line feed, form feed, return allowed).
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")

MAX_ZIP_RATIO = 100  # unpacked / packed, for any member over MAX_ZIP_SMALL_MEMBER bytes
MAX_ZIP_SMALL_MEMBER = 1024 * 1024


class UploadRefused(ValueError):
    """An upload we refuse, with a sentence saying why in plain English."""


def sniff(content: bytes) -> str:
    """The kind of file: a MAGIC kind, 'svg', 'markup' (HTML, XML), 'text' or 'binary'."""
    for magic, kind in MAGIC:
        if content.startswith(magic):
            return kind
    head = content[:4096]
    if _MARKUP.match(head):
        return "svg" if _SVG.search(head) else "markup"
    if _CONTROL.search(head):
        return "binary"
    return "text"


def zip_check(
    content: bytes, *, max_members: int, max_unpacked: int, max_ratio: int = MAX_ZIP_RATIO
) -> zipfile.ZipFile:
    """The archive, once its declared sizes are sane; UploadRefused otherwise.

    Python's zipfile never unpacks a member past its declared size (and checks its
    CRC), so refusing large declared sizes and high ratios before anything is opened
    keeps a bomb from ever being expanded.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        # A damaged header can claim an unknown zip version (NotImplementedError): found
        # by the fuzzing in tests/drills/test_fuzz_parsers.py.
        raise UploadRefused("The file is not a readable archive") from None
    members = archive.infolist()
    if len(members) > max_members:
        archive.close()
        raise UploadRefused("The file has too many parts")
    if sum(m.file_size for m in members) > max_unpacked:
        archive.close()
        raise UploadRefused("The file is too large when unpacked")
    for member in members:
        if member.flag_bits & 0x1:
            archive.close()
            raise UploadRefused("The file is password-protected: save it without a password")
        if member.file_size > MAX_ZIP_SMALL_MEMBER and member.file_size > max_ratio * max(
            member.compress_size, 1
        ):
            archive.close()
            raise UploadRefused("The file is too large when unpacked")
    return archive


_SVG_ACTIVE = re.compile(
    rb"<script|<foreignobject|\son[a-z]+\s*=|javascript:|data:text/html|<!entity|<!doctype"
    rb"|xlink:href\s*=\s*[\"'](?!#)|\shref\s*=\s*[\"'](?!#)|<iframe|<embed|<object",
    re.IGNORECASE,
)


def svg_check(content: bytes) -> None:
    """Refuse an SVG image that could run script or fetch anything when shown."""
    if _SVG_ACTIVE.search(content):
        raise UploadRefused(
            "The image contains script or links: save it as a PNG or JPEG, or as a plain SVG"
        )

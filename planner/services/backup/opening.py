"""Opening a backup: the zip's structure, names, sizes, manifest and hashes, all checked
before anything is written. A backup is untrusted input (it may be damaged, edited or a zip
bomb), so every limit here holds before a byte is unpacked.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from planner.errors import InvalidInput
from planner.services.backup.cells import (
    CHUNK,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    SNAPSHOT,
    TABLES_DIR,
    table_member,
)

#: Limits against zip bombs and oversized uploads (uncompressed sizes).
MAX_MANIFEST_BYTES = 1024 * 1024
MAX_MEMBER_BYTES = 2 * 1024**3
MAX_TOTAL_BYTES = 8 * 1024**3
MAX_MEMBERS = 500

_TABLE_MEMBER = re.compile(r"^tables/([a-z_][a-z0-9_]{0,62})\.csv$")


@dataclass(frozen=True)
class OpenedBackup:
    """A backup whose structure and checksums were checked: the zip and its manifest."""

    zf: zipfile.ZipFile
    manifest: dict[str, Any]
    revision: str | None


def fail(message: str) -> InvalidInput:
    """The refusal for a file that is not a usable backup."""
    return InvalidInput(f"not a usable backup: {message}")


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> Iterator[bytes]:
    """A member's bytes in chunks, never more than ``limit`` in total."""
    seen = 0
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(CHUNK):
                seen += len(chunk)
                if seen > limit:
                    raise fail(f"{info.filename} is larger than {limit:,} bytes")
                yield chunk
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as error:
        raise fail(f"{info.filename} cannot be read ({error})") from None


class _ChunkReader(io.RawIOBase):
    """A raw stream over an iterator of byte chunks."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.pending:
            try:
                self.pending = next(self.chunks)
            except StopIteration:
                return 0
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n


def member_text(backup: OpenedBackup, name: str) -> io.TextIOWrapper:
    """A member as UTF-8 text for the csv module, read in bounded chunks."""
    info = backup.zf.getinfo(name)
    raw = _ChunkReader(_read_member(backup.zf, info, MAX_MEMBER_BYTES))
    return io.TextIOWrapper(io.BufferedReader(raw), encoding="utf-8", newline="")


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise InvalidInput("not a usable backup: the file is not a zip archive") from None


def _check_member(info: zipfile.ZipInfo, seen: dict[str, zipfile.ZipInfo]) -> None:
    """One member's name, encryption, compression and declared size."""
    name = info.filename
    if name in seen:
        raise fail(f"the member {name!r} appears twice")
    if name not in (MANIFEST, SNAPSHOT) and not _TABLE_MEMBER.match(name):
        raise fail(f"unexpected member {name!r}")
    if info.flag_bits & 0x1:
        raise fail(f"{name} is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise fail(f"{name} uses an unsupported compression method")
    limit = MAX_MANIFEST_BYTES if name == MANIFEST else MAX_MEMBER_BYTES
    if info.file_size > limit:
        raise fail(f"{name} is larger than {limit:,} bytes")


def _members_by_name(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The zip's members by name, after the checks on count, names and sizes."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise fail(f"it has {len(infos)} members (at most {MAX_MEMBERS})")
    by_name: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        _check_member(info, by_name)
        total += info.file_size
        by_name[info.filename] = info
    if total > MAX_TOTAL_BYTES:
        raise fail(f"it unpacks to more than {MAX_TOTAL_BYTES:,} bytes")
    if MANIFEST not in by_name:
        raise fail("manifest.json is missing (was it made by 'planner backup'?)")
    return by_name


def _read_manifest(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> dict[str, Any]:
    """The manifest, checked to be JSON in a format version this app reads."""
    raw = b"".join(_read_member(zf, info, MAX_MANIFEST_BYTES))
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise fail(f"manifest.json is not valid JSON ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise fail("manifest.json does not describe a Give First backup")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION or version < 1:
        raise fail(
            f"backup format {version!r} is not supported by this version of Give First "
            f"(it reads format {FORMAT_VERSION}); upgrade the app to restore it"
        )
    return manifest


def _manifest_parts(manifest: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    """The manifest's members, tables and schema revision, each of the right shape."""
    members = manifest.get("members")
    tables = manifest.get("tables")
    revision = manifest.get("schema_revision")
    if not isinstance(members, dict) or not isinstance(tables, dict):
        raise fail("manifest.json lacks its members or tables")
    if revision is not None and not isinstance(revision, str):
        raise fail("manifest.json has a malformed schema_revision")
    return members, tables, revision


def _check_listing(members: dict[str, Any], tables: dict[str, Any], present: set[str]) -> None:
    """The manifest lists exactly the members present, and describes each table well."""
    listed = set(members)
    if missing := sorted(listed - present):
        raise fail(f"member {missing[0]} is listed in the manifest but missing")
    if extra := sorted(present - listed):
        raise fail(f"member {extra[0]} is not listed in the manifest")
    for tname, spec in tables.items():
        if (
            not isinstance(spec, dict)
            or spec.get("file") != table_member(tname)
            or spec["file"] not in members
            or not isinstance(spec.get("rows"), int)
            or not isinstance(spec.get("columns"), list)
        ):
            raise fail(f"manifest.json describes table {tname!r} badly")


def _check_checksum(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, spec: object, tables: dict[str, Any]
) -> None:
    """One member's bytes match the SHA-256 (and size, when given) the manifest records."""
    name = info.filename
    if not isinstance(spec, dict) or not isinstance(spec.get("sha256"), str):
        raise fail(f"manifest.json has no SHA-256 for {name}")
    if name.startswith(TABLES_DIR) and name[len(TABLES_DIR) : -4] not in tables:
        raise fail(f"{name} is not one of the manifest's tables")
    sha = hashlib.sha256()
    size = 0
    for chunk in _read_member(zf, info, MAX_MEMBER_BYTES):
        sha.update(chunk)
        size += len(chunk)
    if sha.hexdigest() != spec["sha256"].lower() or (
        isinstance(spec.get("size"), int) and spec["size"] != size
    ):
        raise fail(f"{name} does not match its checksum: the file is damaged or was edited")


def open_backup(data: bytes) -> OpenedBackup:
    """Check the zip's structure, names, sizes, manifest and hashes; nothing is written."""
    zf = _open_zip(data)
    by_name = _members_by_name(zf)
    manifest = _read_manifest(zf, by_name[MANIFEST])
    members, tables, revision = _manifest_parts(manifest)
    present = set(by_name) - {MANIFEST}
    _check_listing(members, tables, present)
    for name in sorted(present):
        _check_checksum(zf, by_name[name], members[name], tables)
    return OpenedBackup(zf, manifest, revision)


def describe(data: bytes) -> dict[str, Any]:
    """The manifest of a valid backup (checked like a restore, nothing written)."""
    return open_backup(data).manifest

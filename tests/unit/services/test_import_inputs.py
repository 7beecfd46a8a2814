"""Opening an import's bytes: counted and hashed (the checkpoint), seekable back to the start
for a CSV's two passes, gzip and zip expanded under a ratio and size guard."""

from __future__ import annotations

import gzip
import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from cyberfusion.errors import InvalidInput
from cyberfusion.services.import_inputs import (
    Counted,
    head_of,
    inner_name,
    kind_of,
    open_input,
    prefix_digest,
)

LIMIT, RATIO = 1 << 30, 200


def test_counted_hashes_what_was_read_and_starts_again_at_a_seek_to_zero() -> None:
    counted = Counted(io.BytesIO(b"abcdef"))
    assert counted.read(4) == b"abcd" and counted.count == 4
    assert counted.hexdigest() == hashlib.sha256(b"abcd").hexdigest()
    assert counted.seekable() and counted.seek(0) == 0 and counted.count == 0
    assert counted.read() == b"abcdef"
    assert counted.hexdigest() == hashlib.sha256(b"abcdef").hexdigest()
    with pytest.raises(ValueError):
        counted.seek(3)


def test_gzip_and_zip_expand_to_the_same_bytes(tmp_path: Path) -> None:
    data = b"type,value\nip,198.51.100.7\n" * 100
    packed = tmp_path / "rows.csv.gz"
    packed.write_bytes(gzip.compress(data))
    zipped = tmp_path / "rows.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("rows.csv", data)
    for path, kind in ((packed, "gzip"), (zipped, "zip")):
        assert kind_of(path) == kind
        with open_input(path, LIMIT, RATIO) as stream:
            assert stream.read(1 << 20) == data
        assert head_of(path, LIMIT, RATIO, 10) == data[:10]
        assert prefix_digest(path, 30, LIMIT, RATIO) == hashlib.sha256(data[:30]).hexdigest()
    assert inner_name("rows.csv.gz") == "rows.csv" and inner_name("a.ZIP") == "a"


def test_expansion_past_the_ratio_is_refused_as_it_is_read(tmp_path: Path) -> None:
    bomb = tmp_path / "zeros.gz"
    bomb.write_bytes(gzip.compress(b"\0" * (8 << 20)))
    with pytest.raises(InvalidInput) as refused, open_input(bomb, LIMIT, RATIO) as stream:
        while stream.read(1 << 20):
            pass
    assert "possible decompression bomb" in refused.value.issues[0].message


def test_a_zip_of_several_files_or_a_declared_bomb_is_refused(tmp_path: Path) -> None:
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as archive:
        archive.writestr("a.txt", "a")
        archive.writestr("b.txt", "b")
    with pytest.raises(InvalidInput, match="exactly one file"), open_input(two, LIMIT, RATIO):
        pass
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.txt", b"\0" * (4 << 20))
    with pytest.raises(InvalidInput, match="expands too far"), open_input(bomb, LIMIT, RATIO):
        pass

"""Honest faults from the CLI: a truncated or corrupted file ends `partial` (or `failed`)
with exit 1 and the place reading stopped; importing the fixed file continues from the
last checkpoint; gzip and zip are read through a ratio and size guard; nesting too deep is
refused cheaply and located."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import pytest
from cli_support import cli_in
from kill_support import make_bundle
from typer.testing import Result
from worlds import World

from cyberfusion.formats.stix import decode as stix_decode

USER = "fr-cyber.analyst"
OBJECTS = 1200


@pytest.fixture
def run_cli(world: World, monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setattr(stix_decode, "BATCH_OBJECTS", 100)  # many checkpoints
    monkeypatch.setenv("CYBERFUSION_WARNINGLISTS", "0")
    invoke = cli_in(world.ctx.settings.data_dir, monkeypatch)
    url = world.ctx.settings.resolved_database_url()
    return lambda *args: invoke("--database-url", url, *args)


def _import(run_cli: object, path: Path, *extra: str) -> Result:
    assert callable(run_cli)
    result: Result = run_cli("import", str(path), "--as", USER, *extra)
    return result


def _row(output: str) -> list[str]:
    """The cells of the job row of the CLI's table."""
    line = next(x for x in output.splitlines()
                if x.startswith("│") and x.split("│")[1].strip().isdigit())
    return [c.strip() for c in line.split("│")[1:-1]]


def _counts(output: str) -> dict[str, int]:
    cells = _row(output)
    return dict(zip(("created", "updated", "unchanged"), map(int, cells[4:7]), strict=True))


def test_a_truncated_bundle_is_partial_and_the_fixed_file_continues(
        run_cli: object, tmp_path: Path) -> None:
    whole = tmp_path / "whole.json"
    make_bundle(whole, OBJECTS, 3)
    data = whole.read_bytes()
    bundle = tmp_path / "bundle.json"
    bundle.write_bytes(data[: len(data) * 3 // 5])  # cut mid-object
    cut = _import(run_cli, bundle)
    assert cut.exit_code == 1, cut.output
    assert "partial" in cut.output and "reading stopped at bundle.json:objects[" in cut.output
    assert "bytes read" in cut.output and "continues from the last checkpoint" in cut.output
    landed_before = _counts(cut.output)["created"]
    assert 0 < landed_before < OBJECTS
    bundle.write_bytes(data)  # fixed
    fixed = _import(run_cli, bundle)
    assert fixed.exit_code == 0, fixed.output
    assert "resuming import" in fixed.output and "after batch" in fixed.output
    counts = _counts(fixed.output)
    again = _import(run_cli, bundle)  # a new job: every row is there once, unchanged
    assert again.exit_code == 0 and _counts(again.output)["created"] == 0
    assert sum(counts.values()) == _counts(again.output)["unchanged"]


def test_bad_bytes_in_a_bundle_stop_the_reading_at_their_object(
        run_cli: object, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.json"
    make_bundle(bundle, 400, 4)
    data = bytearray(bundle.read_bytes())
    middle = data.index(b'"type":"indicator"', len(data) // 2)
    data[middle + 9: middle + 11] = b"\xff\xfe"
    bundle.write_bytes(bytes(data))
    result = _import(run_cli, bundle)
    assert result.exit_code == 1
    assert "partial" in result.output and "reading stopped at bundle.json:objects[" in result.output
    assert "near byte" in result.output


def test_invalid_utf8_in_a_text_file_fails_at_its_byte(run_cli: object, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"C2 at 198.51.100.7\n" * 70_000 + b"\xc3\x28 and 10.1.1.1\n")
    result = _import(run_cli, notes)
    assert result.exit_code == 1
    assert f"notes.txt:byte {19 * 70_000}" in result.output and "not valid utf-8" in result.output


def test_gzip_and_zip_uploads_import_like_the_plain_file(run_cli: object, tmp_path: Path) -> None:
    plain = tmp_path / "plain.json"
    make_bundle(plain, 300, 5)
    packed = tmp_path / "bundle.json.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    zipped = tmp_path / "other.zip"
    make_bundle(tmp_path / "other.json", 300, 6)
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(tmp_path / "other.json", "other.json")
    first, second = _import(run_cli, packed), _import(run_cli, zipped)
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "stix21" in first.output and "stix21" in second.output
    assert _counts(first.output)["created"] > 300 and _counts(second.output)["created"] > 300


def test_a_zip_bomb_is_refused_with_a_clear_error(run_cli: object, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("iocs.txt", b"\0" * (40 << 20))
    result = _import(run_cli, bomb)
    assert result.exit_code != 0
    assert "possible decompression bomb" in result.output


def test_a_gzip_bomb_stops_when_it_expands_past_the_ratio(run_cli: object,
                                                          tmp_path: Path) -> None:
    bomb = tmp_path / "iocs.txt.gz"
    with gzip.open(bomb, "wb") as out:
        out.write(b"C2 at 198.51.100.7\n")
        for _ in range(40):
            out.write(b" " * (1 << 20))
    result = _import(run_cli, bomb)
    assert result.exit_code == 1
    assert "failed" in result.output and "possible decompression bomb" in result.output


def test_ten_thousand_deep_json_is_refused_at_its_place(run_cli: object, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{"type": "bundle", "id": "bundle--0b1e0a44-7c1f-4f0e-9b1a-2a7a8c1e0f00", '
                    '"objects": [{"type": "indicator", "x": ' + "[" * 10_000 + "]" * 10_000
                    + "}]}")
    result = _import(run_cli, deep, "--format", "stix21")
    assert result.exit_code == 1
    assert "deep.json:objects[0]" in result.output and "nested deeper than 100" in result.output

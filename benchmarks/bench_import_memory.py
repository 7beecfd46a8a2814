"""Peak RSS of `cyberfusion import` per format, beside the floor of reading the same file.

For each format (text, HTML, e-mail, PDF, STIX, MISP, CSV) a file of about 50 MB is
written (and a 200 MB plain-text one), imported from the CLI into a fresh SQLite database
as a child process, and its peak RSS read with os.wait4 (the child's own rusage). The
floor is `python -c` reading the same file in 1 MiB chunks, and the CLI's own baseline is
the import of a one-line file. Goal: every import under 400 MB.

    python benchmarks/bench_import_memory.py [--mb 50] [--text-mb 200] [--only text,stix]
        [--warninglists]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

GOAL_MB = 400
WORDS = ("the", "actor", "used", "a", "loader", "to", "reach", "its", "command", "server", "and",
         "staged", "data", "before", "exfiltration", "over", "https", "while", "victims",
         "reported", "ransom", "notes")


def _prose_line(rng: random.Random, i: int) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16)))
    ioc = (f"198.51.{i % 256}.{(i // 256) % 250 + 1}" if i % 3 == 0 else
           f"host{i}.evil-{i % 997}.example.com" if i % 3 == 1 else
           f"http://files{i % 5000}.example.net/p/{i}")
    return f"{words.capitalize()} at {ioc}. "


def write_text(path: Path, size: int, seed: int = 1) -> None:
    """Prose with an IOC in every sentence, lines of about 100 bytes."""
    rng = random.Random(seed)
    with path.open("w") as out:
        i = 0
        while out.tell() < size:
            out.write("".join(_prose_line(rng, i + k) for k in range(50)) + "\n")
            i += 50


def write_html(path: Path, size: int, seed: int = 2) -> None:
    """An HTML report: paragraphs of prose and links."""
    rng = random.Random(seed)
    with path.open("w") as out:
        out.write("<!DOCTYPE html><html><head><title>Campaign report</title></head><body>\n")
        i = 0
        while out.tell() < size:
            out.write(f"<p>{_prose_line(rng, i)} See <a href='http://ref{i}.example.org/x'>"
                      f"note {i}</a>.</p>\n")
            i += 1
        out.write("</body></html>\n")


def write_email(path: Path, size: int, seed: int = 3) -> None:
    """An RFC 822 message with a long text/plain body."""
    with path.open("w") as out:
        out.write("From: Analyst <analyst@example.org>\nTo: desk@example.org\n"
                  "Subject: Phishing wave\nDate: Mon, 1 Jun 2026 10:00:00 +0000\n"
                  "Message-ID: <bench@example.org>\nMIME-Version: 1.0\n"
                  "Content-Type: text/plain; charset=utf-8\n\n")
    with path.open("a") as out:
        rng = random.Random(seed)
        i = 0
        while out.tell() < size:
            out.write("".join(_prose_line(rng, i + k) for k in range(10)) + "\n")
            i += 10


def write_pdf(path: Path, size: int, seed: int = 4) -> None:
    """A PDF whose pages each hold about 40 lines of prose (uncompressed content streams)."""
    rng = random.Random(seed)
    offsets: list[int] = []
    with path.open("wb") as out:
        def obj(body: bytes) -> None:
            offsets.append(out.tell())
            out.write(f"{len(offsets)} 0 obj\n".encode() + body + b"\nendobj\n")

        out.write(b"%PDF-1.4\n")
        obj(b"<< /Type /Catalog /Pages 2 0 R >>")
        offsets.append(0)  # the page tree, written last (it lists every page)
        obj(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
        pages, i = [], 0
        while out.tell() < size:
            lines = [_prose_line(rng, i + k).replace("(", "").replace(")", "")
                     for k in range(40)]
            i += 40
            text = b"BT /F1 8 Tf 20 800 Td 10 TL " + b" ".join(
                f"({line}) '".encode() for line in lines) + b" ET"
            obj(b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream")
            obj(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                b"/Resources << /Font << /F1 3 0 R >> >> >>" % len(offsets))
            pages.append(len(offsets))
        offsets[1] = out.tell()
        kids = b" ".join(b"%d 0 R" % p for p in pages)
        out.write(b"2 0 obj\n<< /Type /Pages /Kids [" + kids + b"] /Count %d >>\nendobj\n"
                  % len(pages))
        xref = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
        out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
        out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
                  % (len(offsets) + 1, xref))


def write_stix(path: Path, size: int, seed: int = 5) -> None:
    """A STIX 2.1 bundle (benchmarks/stix_bundle.py objects), about 420 bytes per object."""
    from stix_bundle import write_bundle

    write_bundle(path, max(size // 420, 10), seed)


def write_misp(path: Path, size: int, seed: int = 6) -> None:
    """A MISP collection of events of 1,000 attributes each."""
    rng = random.Random(seed)
    with path.open("w") as out:
        out.write('{"response": [')
        n = 0
        while out.tell() < size:
            attributes = [{"uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                           "type": "ip-dst", "category": "Network activity",
                           "to_ids": True, "value": f"203.0.{k % 256}.{(n + k) % 250 + 1}",
                           "comment": _prose_line(rng, k)} for k in range(1000)]
            event = {"Event": {"uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                               "info": f"Campaign {n}", "date": "2026-05-01",
                               "threat_level_id": "2", "analysis": "1", "distribution": "1",
                               "Attribute": attributes}}
            out.write(("," if n else "") + json.dumps(event))
            n += 1
        out.write("]}")


def write_csv(path: Path, size: int, seed: int = 7) -> None:
    """A CSV of one case per 100 rows: case, title, ip_address, domain, comment."""
    rng = random.Random(seed)
    with path.open("w") as out:
        out.write("case,title,ip_address,domain,comment\n")
        i = 0
        while out.tell() < size:
            out.write(f"c{i // 100},Campaign {i // 100},198.51.{i % 256}.{i % 250 + 1},"
                      f"host{i}.example.com,{_prose_line(rng, i).strip()}\n")
            i += 1


FORMATS: dict[str, tuple[str, Callable[[Path, int], None]]] = {
    "text": ("report.txt", write_text), "html": ("report.html", write_html),
    "email": ("message.eml", write_email), "pdf": ("report.pdf", write_pdf),
    "stix": ("bundle.json", write_stix), "misp": ("events.json", write_misp),
    "csv": ("rows.csv", write_csv),
}


def peak(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """(peak RSS in MB, seconds, exit code, last output) of one child process, measured by
    /usr/bin/time (a child forked from this big process would count its pages too)."""
    with tempfile.NamedTemporaryFile("r") as report:
        start = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name, *cmd], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
        seconds = time.perf_counter() - start
        kib = int(report.read().strip().splitlines()[-1])
    return kib / 1024, seconds, done.returncode, done.stdout.decode(errors="replace")[-400:]


def prepared(folder: Path) -> None:
    """A fresh SQLite database with the test world (users to import as)."""
    from conftest import make_context
    from worlds import build_world

    ctx = make_context(f"sqlite:///{folder / 'cyberfusion.db'}", folder)
    build_world(ctx)
    ctx.db.dispose()


def measure(name: str, path: Path, work: Path, warninglists: bool) -> None:
    """Import `path` into a fresh database and print a row beside its floor."""
    folder = work / f"db-{name}"
    folder.mkdir()
    prepared(folder)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CYBERFUSION_FAST_HASHING": "1",
           "CYBERFUSION_WARNINGLISTS": "1" if warninglists else "0",
           "CYBERFUSION_IMPORT_WORKERS": "0"}
    env.pop("CYBERFUSION_DATABASE_URL", None)
    floor, _, _, _ = peak([sys.executable, "-c", "import sys\nwith open(sys.argv[1], 'rb') as f:"
                           "\n    while f.read(1 << 20): pass", str(path)], env)
    rss, seconds, code, out = peak([sys.executable, "-m", "cyberfusion", "--data-dir",
                                    str(folder), "import", str(path), "--as",
                                    "fr-cyber.analyst"], env)
    size = path.stat().st_size / 1e6
    verdict = "ok" if rss < GOAL_MB and code == 0 else "OVER" if code == 0 else f"exit {code}"
    print(f"{name:<10} {size:>8.1f} {floor:>9.0f} {rss:>9.0f} {seconds:>8.1f}  {verdict}",
          flush=True)
    if code:
        print("   ", out.replace("\n", "\n    "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--text-mb", type=int, default=200)
    parser.add_argument("--only", default=",".join([*FORMATS, "text-big", "baseline"]))
    parser.add_argument("--warninglists", action="store_true",
                        help="flag values against the MISP warning lists (adds their load)")
    args = parser.parse_args()
    wanted = args.only.split(",")
    print(f"peak RSS of one CLI import (MB), SQLite, warning lists "
          f"{'on' if args.warninglists else 'off'}; goal < {GOAL_MB} MB")
    print(f"{'format':<10} {'file MB':>8} {'floor MB':>9} {'import MB':>9} {'seconds':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if "baseline" in wanted:
            tiny = work / "one-line.txt"
            tiny.write_text("C2 at 198.51.100.7\n")
            measure("baseline", tiny, work, args.warninglists)
        for name, (filename, write) in FORMATS.items():
            if name in wanted:
                path = work / filename
                write(path, args.mb * 1_000_000)
                measure(name, path, work, args.warninglists)
                path.unlink()
        if "text-big" in wanted:
            path = work / "big.txt"
            write_text(path, args.text_mb * 1_000_000)
            measure("text-big", path, work, args.warninglists)


if __name__ == "__main__":
    main()

"""Ransomware from the command line: `cyberfusion ransomware identify`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cyberfusion.cli.output import JsonOpt, line, print_json, table
from cyberfusion.cli.state import acting_as, context_of
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.domain.ransomware import Clues, Identification
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.formats.ransom_note import note_text
from cyberfusion.presenters.ransomware import identification_json
from cyberfusion.services import ransomware

ransomware_app = typer.Typer(help="Ransomware: identify the family behind a ransom note.",
                             no_args_is_help=True)


def read_note(path: Path | None) -> tuple[str, str]:
    """(text, file name) of a note file in any encoding; a located error if unreadable."""
    if path is None:
        return "", ""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput("cannot read the note", [Issue("--note", f"{path}: "
                                                             f"{exc.strerror or exc}")]) from None
    return note_text(data, path.name), path.name


@ransomware_app.command("identify")
@needs(Permission.RANSOMWARE_IDENTIFY)
def identify(
    cli: typer.Context,
    note: Annotated[Path | None, typer.Option("--note", metavar="FILE", show_default=False,
                                              help="The ransom note (any encoding, HTML too).")
                    ] = None,
    extension: Annotated[str, typer.Option("--extension", metavar="EXT", show_default=False,
                                           help="Extension of the encrypted files.")] = "",
    file_name: Annotated[str, typer.Option("--note-name", metavar="NAME", show_default=False,
                                           help="The note's file name, if not the FILE's.")
                         ] = "",
    address: Annotated[list[str] | None, typer.Option(
        "--address", metavar="ADDR", show_default=False,
        help="A contact or leak-site address, or a wallet (repeatable).")] = None,
    as_user: Annotated[str, typer.Option(
        "--as", metavar="USERNAME", show_default=False,
        help="Also use what this user's organisation may read of the pool.")] = "",
    limit: Annotated[int, typer.Option(min=1, max=50, help="How many candidates.")] = 5,
    as_json: JsonOpt = False,
) -> None:
    """Candidate families for a note, its file name, an extension or addresses, best first."""
    text, name = read_note(note)
    clues = Clues(text, file_name or name, extension, tuple(address or ()))
    if as_user:
        ctx = context_of(cli)
        found = ransomware.identify(ctx, acting_as(ctx, as_user), clues, limit)
    else:
        found = ransomware.identify_reference(clues, limit)
    if as_json:
        print_json(identification_json(found))
        return
    print_identification(found)


def print_identification(found: Identification) -> None:
    """The verdict, then the candidates with their evidence."""
    line(found.verdict + ("" if found.identified else " (nearest candidates below)"))
    table("Candidates", ["family", "score", "aliases", "evidence"],
          [(c.family, f"{c.score:.2f}", c.aliases,
            [f"{e.clue}: {e.matched} ({e.weight:.2f})" for e in c.evidence[:4]])
           for c in found.candidates], keep=("score",))

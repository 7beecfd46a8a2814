"""Release, exclude and partner pickers for the case form: options named for people, and the
form values they post (the live preview behind them is in `case_form`)."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import FormData

from cyberfusion.domain.model import Organisation, OrgKind, Region

#: The form fields a picker fills (several values each).
PICKED = ("release", "exclude", "partners")


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a picker: the token the handling stores and what a person reads."""

    token: str
    label: str
    group: str


def choices(directory: list[Organisation]) -> dict[str, list[Choice]]:
    """The options of each picker, by field: names, not codes, grouped for the eye."""
    countries = sorted({o.country for o in directory if o.country})
    members = sorted((o for o in directory if o.kind is not OrgKind.PARTNER),
                     key=lambda o: o.name)
    places = [Choice(f"country:{c}", c, "countries") for c in countries]
    named = [Choice(f"org:{o.id}", o.name, "organisations") for o in members]
    return {
        "release": [Choice("members", "all members", "everyone"),
                    *(Choice(f"region:{r.value}", r.value.title(), "regions") for r in Region),
                    *places, *named],
        "exclude": [*places, *named],
        "partners": [Choice(o.id, o.name, "partners") for o in sorted(
            (o for o in directory if o.kind is OrgKind.PARTNER), key=lambda o: o.name)],
    }


def picked(data: FormData) -> dict[str, str]:
    """The pickers' values as the case form's comma-separated fields (a typed list works too)."""
    return {name: ", ".join(str(v) for v in data.getlist(name) if str(v).strip())
            for name in PICKED if name in data}


def tokens(text: str) -> set[str]:
    """The tokens of a comma-separated field (what the pickers show as chosen)."""
    return {p.strip() for p in str(text).replace("\n", ",").split(",") if p.strip()}

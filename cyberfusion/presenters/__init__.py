"""Presenters: one module per resource, pure functions from domain and service types to
JSON-ready dicts. The API, the CLI's `--json`, the live event stream and exports all call
them, so a resource has one JSON shape wherever it is printed.

Presenters import the domain and the services' public types, and the `formats` codecs of
the two resources whose JSON is also an exchange format read back in (the case document,
the 24/7 directory); never `store`, `web`, `cli` or `jobs`.
"""

"""Presenters: one module per resource, pure functions from domain and service types to
JSON-ready dicts. The API, the CLI's `--json`, the live event stream and exports all call
them, so a resource has one JSON shape wherever it is printed.

Presenters import the domain, the document codecs of `formats` and the services' public
types; never `store` or `web`.
"""

"""MISP JSON in and out: events, collections and feed folders -> cases; cases -> events
and feed folders.

Modules: `decode` (the "misp" codec and `decode_feed_folder`), `event` (one event -> cases),
`attributes` (MISP attribute types <-> observable types), `distribution` (distribution
levels and `tlp:` tags <-> handling, with the mapping table), `classify` (crime type,
countries, entities from tags and galaxies), `encode` (the "misp" exporter), `feed` (the
files of a feed folder out: event files, `manifest.json`, `hashes.csv`).
"""

from __future__ import annotations

from cyberfusion.formats.misp.decode import MispCodec, decode_feed_folder
from cyberfusion.formats.misp.encode import MispExporter

__all__ = ["MispCodec", "MispExporter", "decode_feed_folder"]

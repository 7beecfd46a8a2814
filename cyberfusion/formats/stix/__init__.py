"""STIX 2.1 importer and exporter (docs.oasis-open.org/cti/stix/v2.1/os).

Importing this package registers the `stix21` codec and exporter.
"""

from cyberfusion.formats.stix.decode import StixCodec
from cyberfusion.formats.stix.encode import StixExporter

__all__ = ["StixCodec", "StixExporter"]

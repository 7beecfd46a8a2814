"""Free text as an import source: observables extracted from documents; the `text` codec."""

from cyberfusion.formats.text.extract import Extracted, ExtractOptions, extract

__all__ = ["ExtractOptions", "Extracted", "extract"]

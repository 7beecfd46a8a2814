"""Free text as intake: extraction of observables, document sources, and the `text` codec."""

from cyberfusion.formats.text.extract import Extracted, ExtractOptions, extract

__all__ = ["ExtractOptions", "Extracted", "extract"]

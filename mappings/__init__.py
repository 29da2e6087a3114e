"""The mapping engine: YAML mapping files -> compiled translations, both directions.

Pure: imports only ``rules.canonical`` from the project, plus the standard library,
PyYAML and marshmallow; no file, clock or network access (the gateway reads mapping
files and passes their text). A mapping file is data: every field names a transform
from the closed registry in :mod:`mappings.transforms`, with static arguments.

    mapping = load_mapping(text, "netsuite.yaml")
    record = mapping.inbound("invoices", raw)          # -> CanonicalRecord
    record_type, payload = mapping.outbound("invoice", values, fields={"dunning_level"})
"""

from __future__ import annotations

from pathlib import PurePath

from mappings.compiler import CompiledMapping, load_mapping
from mappings.errors import (
    MappingError,
    MappingFileError,
    OutboundMappingError,
    Problem,
    RecordMappingError,
    TransformError,
    UnknownStreamError,
)
from mappings.transforms import REGISTRY as TRANSFORMS

# Where the shipped default mapping files live (``<system>.yaml``); reading them is
# the gateway's job.
DEFAULTS_DIR = PurePath(__file__).parent / "defaults"

__all__ = [
    "DEFAULTS_DIR",
    "TRANSFORMS",
    "CompiledMapping",
    "MappingError",
    "MappingFileError",
    "OutboundMappingError",
    "Problem",
    "RecordMappingError",
    "TransformError",
    "UnknownStreamError",
    "load_mapping",
]

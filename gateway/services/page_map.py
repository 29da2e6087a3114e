"""Map a page of raw records to canonical records: pure work, no database.

Kept apart from the page applier so that the sync loop can map the next page in its
read-ahead thread while the current page is being written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mappings.errors import RecordMappingError
from rules.encoding import Encoded, encode_fields

if TYPE_CHECKING:
    from collections.abc import Sequence

    from adapters.base import RawRecord
    from mappings.compiler import CompiledMapping
    from rules.canonical import CanonicalRecord

# Built once: json.dumps with options builds a new encoder on every call.
dump_shadow = json.JSONEncoder(separators=(",", ":")).encode


@dataclass
class MappedPage:
    """A page's canonical records (one per external id), their encodings and errors."""

    records: list[CanonicalRecord] = field(default_factory=list)
    encoded: dict[str, dict[str, Encoded]] = field(default_factory=dict)
    shadows: dict[str, str] = field(default_factory=dict)
    errors: list[RecordMappingError] = field(default_factory=list)

    def shadow_text(self, external_id: str) -> str:
        """The record's encoded fields as JSON: its new shadow and its audit entry."""
        return self.shadows[external_id]


def map_page(
    mapping: CompiledMapping, stream: str, raws: Sequence[RawRecord]
) -> MappedPage:
    """Translate ``raws``; a record that does not fit is kept as an error, not raised."""
    page = MappedPage()
    by_id: dict[str, CanonicalRecord] = {}
    object_type = mapping.object_type(stream)
    for raw in raws:
        try:
            record = mapping.inbound(stream, raw)
        except RecordMappingError as exc:
            page.errors.append(exc)
            continue
        # The same id twice in one page (a record modified while we paged): the
        # later one is the newer state.
        by_id[record.external_id] = record
    page.records = list(by_id.values())
    page.encoded = {
        r.external_id: encode_fields(object_type, r.fields) for r in page.records
    }
    page.shadows = {ext: dump_shadow(values) for ext, values in page.encoded.items()}
    return page

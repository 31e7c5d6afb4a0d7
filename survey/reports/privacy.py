"""Personal information in free text, masked before a report or export leaves the office.

The rules live in the analysis library (`analysis.privacy`), their one owner, so the analysis
artefacts and the reports mask the same things the same way; this module keeps the names the
reports and exports import.
"""
from __future__ import annotations

from analysis.privacy import (
                              MASK,
                              Masker,
                              NoMasking,
                              contact_spans,
                              has_contact_details,
                              has_personal_data,
                              looks_like_id_number,
                              mask_name,
                              mask_organisation,
                              mask_text,
                              roster_names,
                              valid_id_number,
)

__all__ = ["MASK", "Masker", "NoMasking", "contact_spans", "has_contact_details", "has_personal_data",
           "looks_like_id_number", "mask_name", "mask_organisation", "mask_text", "roster_names", "valid_id_number"]

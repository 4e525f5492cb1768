"""The official commune list, cut by postcode, for the contribution form's suggestions.

A person types the postcode first; the form then loads the one small file for its first
two digits (a few kilobytes) and suggests the communes that have that postcode, instead
of loading every commune of France (35,000 names) to fill a list.
"""

from __future__ import annotations

import json
from collections import defaultdict

from ..reference.refdata import ReferenceData


def communes_by_postcode(ref: ReferenceData) -> dict[str, str]:
    """{first two digits of a postcode: compact JSON [[name, INSEE code, postcodes,
    former names], ...]}.

    Municipal arrondissements are left out (their commune, Paris, Lyon or Marseille, is
    listed); a commune whose postcodes start differently is in each file. Former names
    (communes déléguées, "|"-separated) are accepted by `tierslieux from-issue` too.
    """
    by_prefix: dict[str, list[list[str]]] = defaultdict(list)
    for commune in ref.communes.values():
        if commune.parent is not None:
            continue
        entry = [commune.nom, commune.code, " ".join(commune.codes_postaux),
                 "|".join(commune.other_names)]
        for prefix in sorted({code[:2] for code in commune.codes_postaux}):
            by_prefix[prefix].append(entry)
    return {prefix: json.dumps(sorted(rows), ensure_ascii=False, separators=(",", ":"))
            for prefix, rows in sorted(by_prefix.items())}

"""The Jinja filters every template may use, in one place for the build and the tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import Environment

from ..model.dates import build_date, french_date, is_stale
from ..model.hours import week_schedule
from ..model.richtext import safe_url
from ..model.schema import labels
from ..publish.fielddocs import type_name
from .stats import format_number, format_percent
from .structured import script_json

LABELLED = {  # filter name -> schema vocabulary whose French labels it shows
    "type_label": "type_lieu",
    "statut_label": "statut",
    "porteur_label": "type_porteur",
    "service_label": "service",
    "equipement_label": "equipement",
    "label_label": "label",
    "fauteuil_label": "acces_fauteuil",
}


def _label_filter(def_name: str) -> Callable[[str], str]:
    table = labels(def_name)
    return lambda code: table.get(code, code)


def _french_number(value: float) -> str:
    """One decimal, dropped when zero: "239,4", "12 345" (the statistics' formatter)."""
    return format_number(value, 1).removesuffix(",0")


def template_filters() -> dict[str, Callable[..., Any]]:
    filters: dict[str, Callable[..., Any]] = {
        name: _label_filter(vocab) for name, vocab in LABELLED.items()}
    filters.update({
        "french_date": french_date,
        "french_number": _french_number,
        "field_type": type_name,
        "number_fr": format_number,
        "percent_fr": format_percent,
        "safe_url": safe_url,
        "week_schedule": week_schedule,
        "script_json": script_json,
        "is_stale": lambda checked: is_stale(checked, build_date()),
    })
    return filters


_DICT_ATTRIBUTES = frozenset(dir(dict))


def fast_getattr(env: Environment) -> Callable[[Any, str], Any]:
    """Jinja's `obj.name`, with the answer for a plain dict found without an exception.

    Jinja tries getattr() first and the item second: for a venue's fields (`d.types`)
    that is an AttributeError raised and caught every time, the largest share of a venue
    page's rendering. A dict has no attribute but dict's own (`items`, `get`...), so
    looking the item up first for any other name gives the same answer.
    """
    slow = env.getattr

    def getattr_(obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return env.undefined(obj=obj, name=attribute)
        return slow(obj, attribute)

    return getattr_

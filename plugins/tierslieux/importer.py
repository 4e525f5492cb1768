"""Bulk import of a network's CSV or GeoJSON (being written; see issue 3)."""

from __future__ import annotations

import argparse


def add_command(sub: argparse._SubParsersAction) -> None:
    sub.add_parser("import", help="importer un fichier CSV ou GeoJSON (en cours d'écriture)")

"""Where the project's inputs live, so every module agrees on them."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCHEMA_PATH = ROOT / "schema" / "venue.schema.json"
VENUES_DIR = ROOT / "content" / "venues"
NODE_MODULES = ROOT / "node_modules"
REFERENCE_DIR = NODE_MODULES / "@etalab" / "decoupage-administratif" / "data"

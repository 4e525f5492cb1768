"""Tiers-lieux directory: venue validation, enrichment, exports and the Pelican plugin."""

from typing import Any


def register() -> None:
    """Pelican entry point; imported lazily so the CLI does not load Pelican."""
    from pelican import signals

    from .site.generator import register as register_generator

    register_generator()
    signals.initialized.connect(_add_form_catalogue)


def _add_form_catalogue(pelican: Any) -> None:
    """The contribution form's questions and messages (contribute stage) for the site stage,
    which may not import contribute: handed over through the settings."""
    from .contribute.formcatalogue import form_catalogue

    pelican.settings.setdefault("CONTRIBUTE_FORM", form_catalogue())

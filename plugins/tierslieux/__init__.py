"""Tiers-lieux directory: venue validation, enrichment, exports and the Pelican plugin."""


def register() -> None:
    """Pelican entry point; imported lazily so the CLI does not load Pelican."""
    from .site.generator import register as register_generator

    register_generator()

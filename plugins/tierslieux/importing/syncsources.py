"""`tierslieux sync-sources`: run the import of every source listed in a config file.

Why: networks keep their files up to date; the directory follows by re-running each
import on a schedule (a GitHub workflow), and a maintainer reviews the result as one pull
request whose body is the French summary written here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..check.logsafe import log_line
from ..check.yamlload import load_file
from ..model.paths import ROOT, VENUES_DIR
from ..reference.refdata import reference_data
from .geocode import Geocoder
from .importer import Importer, source_options
from .importmapping import MappingError, load_mapping
from .importreport import markdown_summary, print_report
from .importsource import SourceError, read_source


def run_sources(args: argparse.Namespace) -> int:
    """0 when every source was imported, 2 when the config or a source is unusable."""
    loaded = load_file(Path(args.config))
    data = loaded.data if isinstance(loaded.data, dict) else None
    sources = data.get("sources") if data else None
    if loaded.problems or not isinstance(sources, list):
        print(log_line(f"erreur : {args.config} doit contenir « sources: », une liste de "
                       "{nom, adresse, correspondance}."), file=sys.stderr)
        return 2
    summary = ["# Synchronisation des sources", ""]
    status = 0
    geocoder = Geocoder()
    for i, item in enumerate(sources):
        if not isinstance(item, dict) or not {"nom", "adresse", "correspondance"} <= set(item):
            print(log_line(f"erreur : {args.config}:{loaded.line_of(('sources', i))} : une "
                           "source a un nom, une adresse et une correspondance."),
                  file=sys.stderr)
            status = 2
            continue
        name = str(item["nom"])
        try:
            mapping = load_mapping(ROOT / str(item["correspondance"]))
            source = read_source(str(item["adresse"]), source_options(mapping))
        except MappingError as exc:
            print(log_line(exc.french().replace("\n", " ")), file=sys.stderr)
            status = 2
            continue
        except SourceError as exc:
            print(log_line(f"erreur : {name} : {exc}"), file=sys.stderr)
            summary += [f"## {name}", "", f"Source illisible : {exc}", ""]
            status = 2
            continue
        importer = Importer(mapping, Path(args.into), reference_data(), geocoder=geocoder)
        outcomes, absent = importer.run(source.rows)
        print_report(outcomes, absent, sys.stdout, header=[f"Source : {name}"],
                     dry_run=False, verbose=False)
        summary.append(markdown_summary(outcomes, absent, name))
    if args.resume_markdown:
        Path(args.resume_markdown).write_text("\n".join(summary) + "\n", encoding="utf-8")
    return status


def add_command(sub: argparse._SubParsersAction) -> None:
    """Register `tierslieux sync-sources` (called by cli.py)."""
    parser = sub.add_parser(
        "sync-sources", help="réimporter chaque source listée dans un fichier de configuration",
        description="Relance l'import de chaque source listée (nom, adresse, correspondance) "
                    "et écrit le résumé de toutes en Markdown (corps d'une pull request).")
    parser.add_argument("config",
                        help="fichier YAML des sources (.github/sources-synchronisees.yml)")
    parser.add_argument("--into", default=str(VENUES_DIR), metavar="DOSSIER")
    parser.add_argument("--resume-markdown", metavar="FICHIER.md")
    parser.set_defaults(func=run_sources)

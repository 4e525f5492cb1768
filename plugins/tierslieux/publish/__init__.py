"""The open-data downloads, written from the checked, enriched venues.

Takes the list of venues. Hands on the CSV, GeoJSON and JSON files, the Frictionless data
package, the national médiation-numérique export, the history derived from git and the
schema's field documentation. Knows nothing of the HTML pages.
"""

"""Reading and checking venue files, and the catalogue of problems.

Takes the files under content/venues/ (or any path). Hands on the valid venues, enriched,
and every problem found, each with a stable code, the file, the line and a French message.
The pull-request check, the build and the contribution tools all go through `validate`.
"""

"""Bulk import of a network's file (`tierslieux import`), driven by a mapping file.

Takes a source file and a mapping (examples in mappings/). Hands on venue files, each
checked by the validator before it is written, and a report that accounts for every row.
"""

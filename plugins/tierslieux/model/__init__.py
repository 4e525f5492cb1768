"""What a venue is: the schema, the in-memory venue, ids, dates, paths, and how fields read.

Takes nothing from the other stages. Hands every stage the schema and its vocabularies,
the `Venue` record, and the helpers that read a field the same way everywhere (opening
hours, rich text, the YAML writer that turns a venue back into a file).
"""

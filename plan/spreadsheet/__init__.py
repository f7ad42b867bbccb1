"""The plan's spreadsheet format (DOMAIN.md, "The spreadsheet format"), shared by export and import.

- `columns`: the sheets and their headings, in the order the export writes them.
- `values`: how a value is written to a cell, and how a cell is read back (normalised).
- `files`: opening an uploaded workbook safely (signature, size, macros, zip bombs, XML).
- `rows`: the rows an export writes, read from the database in a fixed number of queries.
- `importer`: the two-step import (`import_preview`, then `import_apply`), with `lookups`
  (the plan loaded once into dicts), `preview` (what the import would do) and `writer`
  (the efforts, their relations and history written in bulk).
- `uploads`: keeping an uploaded file between the preview and the confirmation.

`plan` owns the format because both apps need it; `reporting` writes the files.
"""

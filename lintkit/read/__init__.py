"""Reading files: the one door to the file system (`files`, with unsaved editor buffers in
`overlay`), lines (`lines`), globs, and the located readers that turn a file into nodes with
positions: YAML (`yamlload`), handler sources with tree-sitter (`sources`) and the handler graph
(`handlers`), schema.prisma, package.json, .env, tsconfig and database URLs.

May import: `lintkit.model.nodes`, `lintkit.model.diagnostics`, `lintkit.data`. Never: the service
model, formats, analysis, rules, the engine, reporters.
"""

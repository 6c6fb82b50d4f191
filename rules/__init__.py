"""One module per rule, installed as `lintkit.rules` (see docs/WRITING_RULES.md).

May import: `lintkit.model`, `lintkit.read`, `lintkit.formats`, `lintkit.analysis`, `lintkit.data` and
`rules._common`. Never the engine, a reporter or the command line.
"""

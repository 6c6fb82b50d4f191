"""The model every rule reads.

- `nodes`: located document nodes (Span, Scalar, Mapping, Sequence, Intrinsic, Unknown) and
  `diagnostics`: what rules yield (Finding) and what the engine reports (Diagnostic). These two are the
  vocabulary of every layer and import nothing of lintkit.
- `service`: Service, Function and Resource, built by a config-format front end (`lintkit.formats`)
  and reading the files around a service through `lintkit.read`.

May import: `lintkit.read` (service only). Never: formats, analysis, rules, the engine, reporters.
"""

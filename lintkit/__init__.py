"""lintkit: a static linter for Serverless Framework services on AWS Lambda with Prisma.

The folders are the layers, bottom to top (docs/ARCHITECTURE.md; tests/test_layers.py holds them):
`model` (nodes, findings, the service model), `read` (files and located readers), `formats`
(config-format front ends), `analysis` (facts rule groups share), `lintkit.rules` (one module per
rule), the engine modules here (engine, discovery, config, suppress, redact, baseline, fingerprint,
registry, budget, display), `reporters`, and the front doors `cli` and `lsp`. Every import runs down.
"""

__version__ = "0.1.0"

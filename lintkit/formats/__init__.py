"""Config-format front ends: each turns one format's files into the one service model
(`lintkit.model.service`). A front end is the only place that knows its format: the file names it
claims in discovery, how it loads them (includes, variables) and how positions map back.

- `serverless`: serverless.yml / serverless.yaml, with Serverless variables (`variables`).

May import: `lintkit.model`, `lintkit.read`. Never: analysis, rules, the engine, reporters.
"""

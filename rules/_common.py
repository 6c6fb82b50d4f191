"""Helpers shared by rule modules."""
from __future__ import annotations


def load_findings(service, code: str):
    """The findings the loaders recorded for one PARSE code."""
    return (finding for finding in service.load_findings if finding.code == code)

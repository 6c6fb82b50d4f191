"""Dates and version tables as data (runtimes.json, prisma.json), each with its source. Imports
nothing; read with importlib.resources."""

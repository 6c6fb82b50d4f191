"""The host names a docker-compose file gives its containers: its service names (and their
`hostname`/`container_name`), which resolve only on the compose network of a developer's machine."""
from __future__ import annotations

from pathlib import Path

from ..model.nodes import Mapping, path_get, text
from .files import is_file
from .yamlload import load_yaml

COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")


def compose_host_names(*folders: Path) -> frozenset[str]:
    """Lowercased host names of the compose files directly in these folders; files that cannot
    be read or parsed add nothing."""
    names: set[str] = set()
    for folder in dict.fromkeys(Path(folder) for folder in folders):
        for file_name in COMPOSE_FILES:
            path = folder / file_name
            if not is_file(path):
                continue
            services = path_get(load_yaml(path).node, "services")
            for name, service in services.items() if isinstance(services, Mapping) else ():
                names.add(name.lower())
                for alias in ("hostname", "container_name"):
                    value = text(path_get(service, alias)) if isinstance(service, Mapping) else None
                    if value:
                        names.add(value.lower())
    return frozenset(names)

from lintkit.read.compose import compose_host_names


def test_compose_host_names_from_service_and_repository_folders(tmp_path):
    service = tmp_path / "services" / "api"
    service.mkdir(parents=True)
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  Postgres:\n    image: postgres:16\n  cache:\n    image: redis\n"
        "    hostname: redis-local\n    container_name: orders-redis\n")
    (service / "compose.yaml").write_text("services:\n  mysql:\n    image: mysql:8\n")
    assert compose_host_names(service, tmp_path) == {"postgres", "cache", "redis-local", "orders-redis",
                                                     "mysql"}


def test_compose_host_names_ignore_unreadable_files(tmp_path):
    (tmp_path / "compose.yml").write_text("services: [not, a, mapping\n")
    (tmp_path / "docker-compose.yaml").write_text("version: '3'\n")
    assert compose_host_names(tmp_path) == frozenset()

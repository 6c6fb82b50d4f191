"""The seed project (../shared/seed/project): the guide lintkit was born from, with its real mistakes."""
import pytest



@pytest.fixture
def seed_report(lint_seed):
    return lint_seed()


def reported(lines, location, code):
    return any(line.startswith(f"{location}: {code} [") for line in lines)


@pytest.mark.parametrize("location, code", [
    ("serverless.yml:5:12", "RUNTIME001"),     # provider.runtime nodejs20.x, deprecated 2026-04-30
    ("serverless.yml:45:18", "RUNTIME001"),    # MigrateDB Runtime nodejs20.x
    ("serverless.yml:8:12", "RUNTIME003"),     # timeout 30 with http events
    ("serverless.yml:11:9", "VPC005"),         # sg-xxxxxxxx
    ("serverless.yml:13:9", "VPC005"),         # subnet-xxxxxxxx
    ("serverless.yml:14:9", "VPC005"),         # subnet-yyyyyyyy
    ("serverless.yml:29:14", "CONFIG002"),     # src/handlers/create-user.handler does not exist
    ("serverless.yml:51:24", "MIGRATE002"),    # npx inside the inline ZipFile code
])
def test_seed_mistakes_are_reported_at_the_line_to_edit(seed_report, location, code):
    assert reported(seed_report, location, code), "\n".join(seed_report)


def test_seed_clients_are_cached(seed_report):
    assert not any(" CLIENT001 [" in line for line in seed_report)


def test_seed_ssm_database_url_is_not_a_plaintext_secret(seed_report):
    assert not any(" SECRET001 [" in line or " SECRET003 [" in line for line in seed_report)

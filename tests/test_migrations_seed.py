"""The MIGRATE findings on the seed project (../shared/seed/project): its raw `MigrateDB` resource
runs `npx prisma migrate deploy` from inline `Code.ZipFile` code."""
import pytest



@pytest.fixture
def seed_migrate_report(lint_seed):
    return lint_seed("MIGRATE")


@pytest.mark.parametrize("location, code", [
    ("serverless.yml:51:24", "MIGRATE002"),  # `npx` inside the ZipFile code
    ("serverless.yml:48:11", "MIGRATE003"),  # `ZipFile:`: inline code never contains the Prisma CLI
    ("serverless.yml:43:7", "MIGRATE004"),   # `Properties:` lacks ReservedConcurrentExecutions: 1
    ("serverless.yml:43:7", "MIGRATE006"),   # `Properties:` lacks Environment.Variables...
])
def test_seed_migration_mistakes(seed_migrate_report, location, code):
    assert any(line.startswith(f"{location}: {code} [") for line in seed_migrate_report), \
        "\n".join(seed_migrate_report)


def test_seed_has_no_other_migration_findings(seed_migrate_report):
    # `migrate deploy` is not destructive (MIGRATE001) and its arguments are constant (MIGRATE005).
    assert len(seed_migrate_report) == 4, "\n".join(seed_migrate_report)


def test_seed_messages_say_what_to_add(seed_migrate_report):
    text = "\n".join(seed_migrate_report)
    assert "`Environment.Variables.DATABASE_URL`" in text
    assert "`ReservedConcurrentExecutions: 1`" in text

from lintkit.analysis.prismaapi import removed_environment_variables


def test_removed_variables_are_the_upgrade_guides_list():
    removed = removed_environment_variables()
    assert len(removed) == len(set(removed)) == 12
    for name in ("PRISMA_QUERY_ENGINE_LIBRARY", "PRISMA_QUERY_ENGINE_BINARY", "PRISMA_CLIENT_ENGINE_TYPE",
                 "PRISMA_CLI_QUERY_ENGINE_TYPE", "PRISMA_GENERATE_NO_ENGINE", "PRISMA_MIGRATE_SKIP_SEED"):
        assert name in removed
    assert "DATABASE_URL" not in removed and "PRISMA_HIDE_UPDATE_MESSAGE" not in removed

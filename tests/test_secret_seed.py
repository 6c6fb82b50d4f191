"""SECRET rules on the seed project (../shared/seed/project): the catch block of
src/handlers/users.ts returns `String(error)` to the caller, and nothing else there is a secret
problem (DATABASE_URL comes from SSM and is not a secret-named variable)."""


def test_seed_secret_findings(lint_seed):
    lines = lint_seed("SECRET")
    reported = [line.split(" [")[0] for line in lines]
    assert reported == ["src/handlers/users.ts:48:37: SECRET009"], lines

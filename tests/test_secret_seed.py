"""SECRET rules on the seed project (../shared/seed/project): the catch block of
src/handlers/users.ts returns `String(error)` to the caller, and nothing else there is a secret
problem (DATABASE_URL comes from SSM and is not a secret-named variable)."""
AS_OF = "2026-11-27"


def test_seed_secret_findings(shared, run_lintkit):
    project = shared / "seed" / "project"
    code, out, err = run_lintkit("check", ".", "--format", "concise", "--as-of", AS_OF,
                                 "--select", "SECRET", cwd=project)
    assert code == 1, err
    reported = [line.split(" [")[0] for line in out.splitlines()]
    assert reported == ["src/handlers/users.ts:48:37: SECRET009"], out

"""lintkit.analysis.migrations and lintkit.analysis.execcalls: how Prisma CLI calls are recognised, and how packaging
patterns are evaluated."""
from pathlib import Path

import pytest

from lintkit.analysis.execcalls import file_exec_commands
from lintkit.analysis.migrations import glob_matches, package_excludes, prisma_commands, prisma_runs
from lintkit.formats import load_service
from lintkit.model.service import Service
from lintkit.read.sources import SourceCache


def commands_in(tmp_path, code: str, name: str = "handler.ts"):
    path = tmp_path / name
    path.write_text(code)
    source = SourceCache().parse(path)
    return [prisma for command in file_exec_commands(source) for prisma in prisma_commands(command)]


@pytest.mark.parametrize("call, label", [
    ("execSync('npx prisma migrate deploy')", "prisma migrate deploy"),
    ("execSync('npx -y prisma@5.22.0 migrate reset --force')", "prisma migrate reset"),
    ("execSync('yarn prisma db push')", "prisma db push"),
    ("execSync('cd /tmp && ./node_modules/.bin/prisma migrate dev')", "prisma migrate dev"),
    ("execSync('DEBUG=1 node node_modules/prisma/build/index.js migrate deploy')",
     "prisma migrate deploy"),
    ("spawnSync('npx', ['prisma', 'migrate', 'deploy'])", "prisma migrate deploy"),
    ("spawnSync('sh', ['-c', 'npx prisma migrate deploy'])", "prisma migrate deploy"),
    ("execFileSync(process.execPath, ['node_modules/prisma/build/index.js', 'migrate', 'deploy'])",
     "prisma migrate deploy"),
    ("execa`prisma migrate deploy`", "prisma migrate deploy"),
    ("run('npx prisma migrate deploy')", "prisma migrate deploy"),  # run = promisify(exec)
])
def test_prisma_cli_is_recognised_however_it_is_invoked(tmp_path, call, label):
    code = ("import { promisify } from 'util'\nimport { exec } from 'child_process'\n"
            f"const run = promisify(exec)\n{call}\n")
    found = commands_in(tmp_path, code)
    assert [command.label for command in found] == [label]


def test_cli_path_and_arguments_from_local_constants(tmp_path):
    found = commands_in(tmp_path, """
        const cli = path.join(__dirname, 'node_modules', 'prisma', 'build', 'index.js')
        const args = ['migrate', 'reset', '--force']
        execFileSync(process.execPath, [cli, ...args])
    """)
    assert [c.label for c in found] == ["prisma migrate reset"]
    assert found[0].is_destructive and found[0].flags == ["--force"]


@pytest.mark.parametrize("call", [
    "execSync('cp -r ./prisma /tmp/prisma')",
    "execSync('npx tsx prisma/seed.ts')",
    "execSync('npm run migrate')",
    "execSync(buildCommand())",
    "regex.exec('prisma migrate dev')",
])
def test_other_commands_are_not_prisma(tmp_path, call):
    assert commands_in(tmp_path, call) == []


def test_two_commands_in_one_line_and_run_time_values(tmp_path):
    found = commands_in(tmp_path, "execSync(`prisma migrate ${event.step} && prisma db seed`)")
    assert [c.names for c in found] == [("migrate", "${...}"), ("db", "seed")]
    assert found[0].is_migration and not found[1].is_migration


@pytest.mark.parametrize("pattern, path, matches", [
    ("prisma/migrations/**", "prisma/migrations/1_init/migration.sql", True),
    ("**/*.sql", "prisma/migrations/1_init/migration.sql", True),
    ("./prisma/**", "prisma/schema.prisma", True),
    ("node_modules/{prisma,@prisma/engines}/**", "node_modules/prisma/build/index.js", True),
    ("node_modules/.prisma/**", "node_modules/prisma/build/index.js", False),
    ("prisma/migrations", "prisma/migrations/1_init/migration.sql", False),  # files only
    ("*.sql", "prisma/migrations/1_init/migration.sql", False),
])
def test_glob_matches_like_micromatch(pattern, path, matches):
    assert glob_matches(pattern, path) is matches


def service_from(tmp_path, yaml: str) -> Service:
    (tmp_path / "serverless.yml").write_text(yaml)
    return load_service(tmp_path / "serverless.yml", tmp_path)


PROVIDER = "service: app\nprovider:\n  name: aws\n"


def test_patterns_apply_in_order_and_function_level_only_individually(tmp_path):
    service = service_from(tmp_path, PROVIDER + """
package:
  patterns: ['!prisma/**', 'prisma/migrations/**', '!**/*.sql']
functions:
  a:
    handler: a.handler
    package:
      patterns: ['**/*.sql']
""")
    function = service.functions[0]
    excluded, pattern = package_excludes(service, function, "prisma/migrations/1/migration.sql")
    assert excluded and pattern.pattern == "**/*.sql" and not pattern.include


def test_dev_dependencies_are_dropped_after_the_patterns(tmp_path):
    service = service_from(tmp_path, PROVIDER + """
package:
  patterns: ['node_modules/prisma/**']
functions:
  a:
    handler: a.handler
""")
    function = service.functions[0]
    path = "node_modules/prisma/build/index.js"
    assert package_excludes(service, function, path, dev_dependency=True) == (True, None)
    assert package_excludes(service, function, path) == (False, None)


def test_unknown_patterns_and_artifacts_are_not_judged(tmp_path):
    service = service_from(tmp_path, PROVIDER + """
package:
  artifact: build/app.zip
  patterns: ['!prisma/**']
functions:
  a:
    handler: a.handler
""")
    path = "prisma/migrations/1/migration.sql"
    assert package_excludes(service, service.functions[0], path) == (False, None)


def test_only_functions_that_call_the_helper_run_it(tmp_path):
    (tmp_path / "lib.ts").write_text(
        "import { execSync } from 'child_process'\n"
        "export const prisma = {}\n"
        "export function migrate() { execSync('prisma migrate deploy') }\n")
    (tmp_path / "migrate.ts").write_text(
        "import { migrate } from './lib'\nexport const handler = async () => { migrate() }\n")
    (tmp_path / "api.ts").write_text(
        "import { prisma } from './lib'\nexport const handler = async () => prisma\n")
    service = service_from(tmp_path, PROVIDER + """
functions:
  migrate:
    handler: migrate.handler
  api:
    handler: api.handler
""")
    reached = {run.function.name: run.reached for run in prisma_runs(service)}
    assert reached == {"migrate": True, "api": False}
    chain = next(run.chain for run in prisma_runs(service) if run.function.name == "migrate")
    assert [step.name for step in chain] == ["migrate"]
    assert Path(chain[0].target_file.path).name == "lib.ts"

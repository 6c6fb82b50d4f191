"""A `.env` file with secrets that git would commit or that the deployment package includes.

What: a `.env` or `.env.*` file beside serverless.yml holding secret-looking values (a secret-named
key with a real-looking value, a database URL with a password, an AWS access key) that no
`.gitignore` between the service folder and the project root ignores (`.env`, `.env*`, `*.env`,
`!` negations, `/` anchors and ignored folders are understood, as is `.git/info/exclude`): reported
once per file, at the first secret's key. Also a `package.patterns` (or `package.include`) entry
that puts such a file back into the deployment package after Serverless excluded it by default,
reported at that entry. Not flagged: templates (`.env.example`, `.env.sample`, `.env.template`,
`.env.dist`), files holding only placeholders (`changeme`, `<your-token>`, empty values, short
values), references (`$OTHER_VAR`, ARNs, SSM paths) and local database URLs (`localhost`, docker
services). The values themselves are SECRET001/SECRET002's (database URLs, AWS keys); this rule is
about the file, so secret-named keys of a committed `.env` are reported here, not by SECRET003.

Why: a committed `.env` puts every secret in it into the repository history for good, and a packaged
one ships it in the deployment zip that anyone allowed `lambda:GetFunction` can download.

Example:
    # .env (no .gitignore entry)
    JWT_SECRET=9f8e7d6c5b4a3210ffee

Use instead:
    # .gitignore
    .env*
    !.env.example

References: Serverless Framework, "Resolution of environment variables" (.env files are excluded
from the package) and "Packaging: patterns"; git, "gitignore"; OWASP, "Secrets Management Cheat
Sheet".
"""
from lintkit.analysis.secretscan import packaging_pattern, secret_env_entries, secret_finding
from lintkit.model.diagnostics import Finding
from lintkit.read.dotenv import is_template_env
from lintkit.read.gitignore import is_git_ignored

CODE = "SECRET007"
NAME = "dotenv-committed"
SEVERITY = "warning"
SUMMARY = "A `.env` file with secrets that is not git-ignored or is packaged for deployment."


def check(service, context):
    packaged = {}  # pattern span -> (pattern node, [(env file, secret entries)])
    for env in service.env_files:
        secrets = [] if is_template_env(env.path) else secret_env_entries(env)
        if not secrets:
            continue
        if not is_git_ignored(env.path, service.project_root):
            yield secret_finding(
                secrets[0].key_span, f"{env.path.name} holds secrets ({_names(secrets)}) and no "
                f".gitignore excludes it, so it gets committed: add `{env.path.name}` to "
                ".gitignore (keep a `.env.example` with placeholders), remove it from the "
                "repository and rotate the secrets.", secrets[0].value, secret_at=secrets[0].value_span)
        pattern = packaging_pattern(service, env.path)
        if pattern is not None:
            packaged.setdefault(pattern.span, (pattern, []))[1].append((env, secrets))
    for pattern, files in packaged.values():
        names = ", ".join(env.path.name for env, _ in files)
        secrets = [entry for _, entries in files for entry in entries]
        yield Finding.at(
            pattern, f"This pattern puts {names} with its secrets ({_names(secrets)}) into the "
            "deployment package, where anyone allowed to download the function's code can read "
            "them: remove it, or exclude the file with a later `!.env*` pattern.")


def _names(entries) -> str:
    names = list(dict.fromkeys(f"`{entry.key}`" for entry in entries))
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")

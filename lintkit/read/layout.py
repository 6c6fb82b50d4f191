"""Folders that hold no source of a project: installed dependencies and build output. Discovery does
not look for services in them, and searches of a service's own files do not enter them."""

DEPENDENCY_DIRS = frozenset({"node_modules", ".venv", "venv", "__pycache__"})
# Build output: what Serverless, its bundler plugins, CDK and SAM write, and `dist`/`build`, where a
# build script may copy serverless.yml next to the compiled code (usually git-ignored as well).
BUILD_DIRS = frozenset({".serverless", ".esbuild", ".webpack", ".build", "dist", "build", "cdk.out",
                        ".aws-sam"})


def is_build_output(name: str) -> bool:
    return name in BUILD_DIRS or name.startswith(".serverless")

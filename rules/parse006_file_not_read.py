"""A file of the service was not read: it leads outside the project or is not a regular file.

What: a file lintkit reads for a service (serverless.yml, a `${file()}` include, a handler source,
package.json, prisma.config.ts, schema.prisma, a `.env` file, tsconfig.json, .gitignore) is a
symbolic link that leads outside the project (the repository that holds the service) or into
/proc, /sys or /dev, is a FIFO, socket or device, or is larger than lintkit reads. package.json's
`prisma.schema` (or prisma.config.ts's `schema`) naming a path outside the project is reported at
that setting. lintkit does not open the file (or stops at its
size bound), so nothing of its content reaches the report, and the checks that need it are skipped.
Files that other rules already report as unreadable (PARSE001 for serverless.yml, PARSE004 for a
handler source, PARSE005 for an include) are not reported twice.

Why: a pull request can commit a symbolic link to `/etc/shadow` or `/proc/self/environ`, or a FIFO
that blocks whoever reads it. A linter running as a CI gate must neither print such files nor hang
on them, and a service whose files live outside its repository does not deploy reproducibly anyway.

Example:
    $ ls -l .env
    .env -> /proc/self/environ

Use instead:
    A regular file committed in the repository (or no file: leave it out of git).

References: GitHub Security Lab, "Keeping your GitHub Actions and workflows secure: Untrusted input".
"""

CODE = "PARSE006"
NAME = "file-not-read"
SEVERITY = "warning"
SUMMARY = "A file of the service leads outside the project or is not a regular file; it is not read."


def check(service, context):
    # Files are refused where they are read (lintkit.read.files), and the engine reports the refusals
    # under this code once every rule has run. Reading the service's files here makes that so
    # when this rule runs alone too.
    service.package_json, service.prisma_config, service.prisma_schema, service.env_files
    service.tsconfig
    for function in service.functions:
        service.graph(function)
    return ()

"""Linting one service took longer than its time budget, so its findings are incomplete.

What: lintkit gives every service a time budget (60 seconds, `--service-timeout SECONDS`). A service
whose rules have not finished by then is reported here, at its serverless.yml, with the findings made
so far; the run goes on with the next service, in worker processes too.

Why: a CI gate must end. No real service comes near the budget (the largest of hundreds of public
services lints in well under a second), so reaching it means input built to make a linter slow, or a
bug in lintkit worth reporting.

Example:
    a serverless.yml of 100,000 functions, or a handler crafted to make analysis slow

Use instead:
    Split the service, or raise `--service-timeout`; if the service is ordinary, report it to the
    lintkit maintainers with the file that triggers it.

References: lintkit README, "Security".
"""

CODE = "LINT001"
NAME = "service-time-budget-exceeded"
SEVERITY = "error"
SUMMARY = "Linting the service took longer than its time budget; its findings are incomplete."


def check(service, context):
    # The engine's watchdog reports this code when a service runs out of time.
    return ()

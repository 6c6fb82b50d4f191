#!/usr/bin/env bash
# The "Run lintkit" step of action.yml, kept in a file so that it runs and is tested the same way
# outside GitHub. It reads:
#   LINTKIT          the lintkit command (the action's own virtual environment)
#   LINTKIT_PATHS    what to lint, separated by spaces
#   LINTKIT_FAIL_ON  error | warning | info | never, or empty for the configuration's
#   LINTKIT_ARGS     more `lintkit check` arguments, separated by spaces
#   LINTKIT_SARIF    where the SARIF report goes
#   GITHUB_OUTPUT    the step's outputs: exit-code, and sarif-written=true when the report exists
# Paths and arguments are split on spaces and never globbed. It always exits 0: the action's last
# step fails the job from exit-code, after the upload.
set -f +e
read -r -a paths <<< "${LINTKIT_PATHS:-.}"
read -r -a extra <<< "${LINTKIT_ARGS:-}"

for arg in "${extra[@]}"; do
  case "$arg" in
    --format|--format=*|--output|--output=*|-o|-o?*|--statistics|--write-baseline|--write-baseline=*|--stdin-filename|--stdin-filename=*)
      echo "::error title=lintkit::args must not set ${arg%%=*}: the action writes the SARIF report itself (sarif-file) and prints the findings as annotations"
      echo "exit-code=2" >> "$GITHUB_OUTPUT"
      exit 0 ;;
  esac
done

fail_on=()
if [ -n "${LINTKIT_FAIL_ON:-}" ]; then fail_on=(--fail-on "$LINTKIT_FAIL_ON"); fi

rm -f -- "$LINTKIT_SARIF"
"$LINTKIT" check --format sarif --output "$LINTKIT_SARIF" "${fail_on[@]}" "${extra[@]}" -- "${paths[@]}"
code=$?
echo "exit-code=$code" >> "$GITHUB_OUTPUT"
if [ -f "$LINTKIT_SARIF" ]; then echo "sarif-written=true" >> "$GITHUB_OUTPUT"; fi
if [ "$code" = 1 ]; then
  # The findings as annotations on the changed lines too: code scanning is not available on
  # private repositories without GitHub Advanced Security, nor to pull requests from forks.
  "$LINTKIT" check --format github --quiet "${fail_on[@]}" "${extra[@]}" -- "${paths[@]}"
fi
exit 0

#!/bin/sh
# up.sh: the step of the berth "up" action (integrations/github-action/up).
#
# Reads the action's inputs from BERTH_INPUT_FILE (compose files, one per
# line, merged in order), BERTH_INPUT_DEDICATED ("true" for a copy of the
# stack of this job's own), BERTH_INPUT_TTL, BERTH_INPUT_PROJECT_NAME and
# BERTH_INPUT_BERTH (see lib.sh's locate_berth), and runs
#   berth up -f FILE... --ttl TTL --format dotenv
# The lease belongs to this step's shell, which ends with the step; the TTL
# keeps it live for the steps that follow until the down action releases it
# (or, if the job dies, until it expires and gc takes the stack down).
#
# On success it appends berth's lines (BERTH_LEASE, BERTH_ENV and the
# BERTH_<SERVICE>_HOST/_PORT/_PORT_<N> endpoints) to the file $GITHUB_ENV
# names, so later steps have them in their environment, and sets the
# outputs `lease` and `env` in $GITHUB_OUTPUT (when set). On failure it
# writes nothing to $GITHUB_ENV, shows berth's message as an error
# annotation and exits with berth's exit code (2 bad input, 3 not ready,
# 5 not enough memory; 1 when berth cannot be found).
set -eu
. "$(dirname "$0")/lib.sh"

: "${GITHUB_ENV:?GITHUB_ENV is not set: this script runs as a GitHub Actions step}"
locate_berth || exit 1

set -- up --ttl "${BERTH_INPUT_TTL:-30m}" --format dotenv
while IFS= read -r file; do
	if [ -n "$file" ]; then
		set -- "$@" -f "$file"
	fi
done <<EOF_FILES
${BERTH_INPUT_FILE:-}
EOF_FILES
case "${BERTH_INPUT_DEDICATED:-false}" in
true) set -- "$@" --dedicated ;;
false | "") ;;
*)
	annotate error "berth up" "input dedicated: want true or false, got '$BERTH_INPUT_DEDICATED'"
	exit 2
	;;
esac
[ -z "${BERTH_INPUT_PROJECT_NAME:-}" ] || set -- "$@" -p "$BERTH_INPUT_PROJECT_NAME"

# Files, not pipes: berth may leave a helper process behind (the lease
# keeper), which must not hold this step open.
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
echo "berth $*"
code=0
"$berth" "$@" >"$out" 2>"$err" </dev/null || code=$?
cat "$err" >&2
if [ "$code" -ne 0 ]; then
	annotate error "berth up failed (exit $code)" "$(berth_message "$err")"
	exit "$code"
fi
if ! grep -q '^BERTH_LEASE=' "$out"; then
	annotate error "berth up" "berth printed no BERTH_LEASE line"
	exit 1
fi
cat "$out" >>"$GITHUB_ENV"
lease=$(sed -n 's/^BERTH_LEASE=//p' "$out")
env=$(sed -n 's/^BERTH_ENV=//p' "$out")
if [ -n "${GITHUB_OUTPUT:-}" ]; then
	printf 'lease=%s\nenv=%s\n' "$lease" "$env" >>"$GITHUB_OUTPUT"
fi
echo "berth: lease $lease on environment $env; later steps have:"
sed -n 's/=.*//p' "$out" | sed 's/^/  /'

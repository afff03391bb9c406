#!/bin/sh
# down.sh: the step of the berth "down" action
# (integrations/github-action/down), meant to run with `if: always()`.
#
# Releases $BERTH_LEASE, which the up action's lines in $GITHUB_ENV put in
# this step's environment: berth down --lease "$BERTH_LEASE" (with --now
# when BERTH_INPUT_NOW is "true": tear the environment down at once if no
# other live lease remains). Without BERTH_LEASE (the up step failed, or
# never ran) there is nothing to release: it says so and exits 0. After a
# release it clears BERTH_LEASE for the steps that follow (when GITHUB_ENV
# is set), so a second down has nothing to do. A failed release exits with
# berth's exit code; the lease would still expire with its TTL.
set -eu
. "$(dirname "$0")/lib.sh"

lease=${BERTH_LEASE:-}
if [ -z "$lease" ]; then
	echo "berth down: nothing to release: BERTH_LEASE is not set (the up step did not acquire a lease)"
	exit 0
fi
locate_berth || exit 1
set -- down --lease "$lease"
[ "${BERTH_INPUT_NOW:-false}" != true ] || set -- "$@" --now
echo "berth $*"
err=$(mktemp)
trap 'rm -f "$err"' EXIT
code=0
"$berth" "$@" 2>"$err" </dev/null || code=$?
cat "$err" >&2
if [ "$code" -ne 0 ]; then
	annotate error "berth down failed (exit $code)" "$(berth_message "$err")"
	exit "$code"
fi
[ -z "${GITHUB_ENV:-}" ] || echo "BERTH_LEASE=" >>"$GITHUB_ENV"

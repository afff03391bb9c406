# lib.sh: what the berth actions' scripts share. Sourced, not run.

# locate_berth sets berth to the berth program to run: $BERTH_INPUT_BERTH
# (the action's `berth` input), else $BERTH_BIN, else `berth` on PATH, else
# `go install`'s default place ($GOBIN, $GOPATH/bin, ~/go/bin). It fails
# with an error annotation when there is none.
locate_berth() {
	for candidate in "${BERTH_INPUT_BERTH:-}" "${BERTH_BIN:-}"; do
		if [ -n "$candidate" ]; then
			if [ -x "$candidate" ] && [ -f "$candidate" ]; then
				berth=$candidate
				return 0
			fi
			annotate error "berth" "$candidate is not an executable file"
			return 1
		fi
	done
	if berth=$(command -v berth); then
		return 0
	fi
	for dir in "${GOBIN:-}" "${GOPATH:+$GOPATH/bin}" "${HOME:+$HOME/go/bin}"; do
		if [ -n "$dir" ] && [ -x "$dir/berth" ]; then
			berth=$dir/berth
			return 0
		fi
	done
	annotate error "berth" "berth not found: install it in an earlier step (go install github.com/berth-dev/berth/cmd/berth@latest), or give its path as the action's berth input"
	return 1
}

# annotate LEVEL TITLE MESSAGE writes a GitHub workflow command, so the
# message shows on the run's summary; newlines and % are escaped as the
# runner requires.
annotate() {
	msg=$(printf '%s' "$3" | awk 'BEGIN { ORS = "" } { gsub(/%/, "%25"); gsub(/\r/, "%0D"); if (NR > 1) print "%0A"; print }')
	printf '::%s title=%s::%s\n' "$1" "$2" "$msg"
}

# berth_message prints berth's message from its stderr in file $1: from
# the last line that starts with "berth: " to the end, else all of it.
berth_message() {
	awk '/^berth: / { n = 0 } { line[n++] = $0 } END { for (i = 0; i < n; i++) print line[i] }' "$1"
}

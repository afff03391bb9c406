#!/usr/bin/env bash
# scripts/postgres.sh: a throwaway PostgreSQL server for berth's tests.
#
#   scripts/postgres.sh start        prints the DSN of a new server on stdout
#   scripts/postgres.sh stop DIR|DSN stops that server and removes its files
#
# or, sourced by another script (scripts/test does this):
#
#   . scripts/postgres.sh
#   pg_start   # exports BERTH_TEST_POSTGRES and BERTH_PG_DIR
#   pg_stop    # stops the server started by pg_start, removes its directory
#
# start installs Debian's postgresql package when initdb is missing (as
# root, or through passwordless sudo), creates a cluster in a new
# directory ${TMPDIR:-/tmp}/berth-pg.XXXXXX with trust authentication for
# the user "berth", and starts it on 127.0.0.1 at a free port (and on a
# unix socket in that directory). PostgreSQL refuses to run as root: run as
# root, the directory is handed to the "postgres" user and the server runs
# as that user (runuser). The server keeps PostgreSQL's defaults (fsync
# on) except max_connections (500: many berth processes at once, each
# with a small pool).
#
# DSN printed: postgres://berth@127.0.0.1:PORT/berth?sslmode=disable

# pg_die reports an error; sourced, it returns instead of exiting.
pg_die() {
	printf 'scripts/postgres.sh: error: %s\n' "$*" >&2
	return 1
}

# pg_as_root runs a command as root: directly, or through passwordless sudo.
pg_as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
		sudo -n "$@"
	else
		pg_die "need root to run '$*'; install Debian's postgresql package and re-run"
	fi
}

# pg_bindir prints the directory of PostgreSQL's server programs (the
# newest installed version), installing the package when there is none.
pg_bindir() {
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$d" ] || [ ! -x "$d/initdb" ]; then
		command -v apt-get >/dev/null || { pg_die "PostgreSQL is not installed and there is no apt-get"; return 1; }
		echo "scripts/postgres.sh: installing postgresql with apt-get" >&2
		pg_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || return 1
		pg_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2 || return 1
		d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	fi
	[ -x "$d/initdb" ] || { pg_die "no initdb under /usr/lib/postgresql/*/bin"; return 1; }
	echo "$d"
}

# pg_run runs a PostgreSQL program as the cluster's owner.
pg_run() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# pg_start_dir creates and starts a cluster; it prints the directory.
pg_start_dir() {
	local bin dir port tries=0
	bin=$(pg_bindir) || return 1
	dir=$(mktemp -d "${TMPDIR:-/tmp}/berth-pg.XXXXXX") || return 1
	if [ "$(id -u)" -eq 0 ]; then
		getent passwd postgres >/dev/null || { pg_die "no user 'postgres' to run the server as"; return 1; }
		chown postgres: "$dir"
		# The server's user must reach the directory (a TMPDIR under
		# /root would not let it): fall back to /tmp.
		if ! runuser -u postgres -- test -w "$dir"; then
			rmdir "$dir"
			dir=$(mktemp -d /tmp/berth-pg.XXXXXX) || return 1
			chown postgres: "$dir"
		fi
	fi
	chmod 0700 "$dir"
	if ! pg_run "$bin/initdb" -D "$dir/data" -U berth --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1; then
		cat "$dir/initdb.log" >&2
		pg_die "initdb failed (log above)"
		return 1
	fi
	# A random port, tried again when taken (another server, another test).
	while :; do
		port=$((20000 + RANDOM % 40000))
		if pg_run "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
			-o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=500" >/dev/null 2>&1; then
			break
		fi
		tries=$((tries + 1))
		if [ $tries -ge 5 ] || ! grep -q 'could not bind\|Address already in use' "$dir/server.log" 2>/dev/null; then
			tail -n 20 "$dir/server.log" >&2 2>/dev/null
			pg_die "the PostgreSQL server did not start (log above, $dir/server.log)"
			return 1
		fi
	done
	echo "$port" >"$dir/port"
	if ! pg_run "$bin/createdb" -h "$dir" -p "$port" -U berth berth >"$dir/createdb.log" 2>&1; then
		cat "$dir/createdb.log" >&2
		pg_die "createdb failed"
		return 1
	fi
	echo "$bin" >"$dir/bindir"
	echo "postgres://berth@127.0.0.1:$port/berth?sslmode=disable" >"$dir/dsn"
	echo "$dir"
}

# pg_stop_dir stops the server of directory dir and removes the directory.
pg_stop_dir() {
	local dir=$1
	[ -f "$dir/dsn" ] || { pg_die "$dir is not a directory made by scripts/postgres.sh start"; return 1; }
	if [ -f "$dir/data/postmaster.pid" ]; then
		pg_run "$(cat "$dir/bindir")/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
			echo "scripts/postgres.sh: warning: pg_ctl stop failed for $dir" >&2
	fi
	rm -rf -- "$dir"
}

# pg_dir_of finds the directory of the server a DSN names.
pg_dir_of() {
	local d
	for d in "${TMPDIR:-/tmp}"/berth-pg.* /tmp/berth-pg.*; do
		[ -f "$d/dsn" ] && [ "$(cat "$d/dsn")" = "$1" ] && { echo "$d"; return 0; }
	done
	pg_die "no server of scripts/postgres.sh has DSN $1"
}

# pg_start starts a server and exports BERTH_TEST_POSTGRES and BERTH_PG_DIR.
pg_start() {
	BERTH_PG_DIR=$(pg_start_dir) || return 1
	BERTH_TEST_POSTGRES=$(cat "$BERTH_PG_DIR/dsn")
	export BERTH_PG_DIR BERTH_TEST_POSTGRES
}

# pg_stop stops the server pg_start started (if any).
pg_stop() {
	[ -n "${BERTH_PG_DIR:-}" ] || return 0
	pg_stop_dir "$BERTH_PG_DIR"
	unset BERTH_PG_DIR
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	case "${1:-}" in
	start)
		dir=$(pg_start_dir)
		cat "$dir/dsn"
		echo "scripts/postgres.sh: server in $dir; stop it with: $0 stop $dir" >&2
		;;
	stop)
		[ -n "${2:-}" ] || { echo "usage: $0 stop DIR|DSN" >&2; exit 2; }
		case "$2" in
		postgres://* | postgresql://*) pg_stop_dir "$(pg_dir_of "$2")" ;;
		*) pg_stop_dir "$2" ;;
		esac
		;;
	*)
		echo "usage: $0 start | $0 stop DIR|DSN" >&2
		exit 2
		;;
	esac
fi

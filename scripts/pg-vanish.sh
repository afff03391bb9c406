#!/usr/bin/env bash
# pg-vanish.sh [TRIALS]: how long a lease lock held in PostgreSQL outlives a
# host that vanishes without closing its connection (power loss, network
# partition), with berth's keepalive settings (internal/pglock Keepalive).
#
# Needs root (network namespaces) and Debian's postgresql package. Inside
# a private network and mount namespace it makes a veth pair and a second
# network namespace, the "host"; starts a throwaway PostgreSQL on the
# first end; runs a lease holder (the pglock test binary in role
# lease-holder) in the "host"; then takes the host's link down and
# SIGKILLs the holder (its FIN never reaches the server) and measures, from
# the server's side, until the lease reads dead. Nothing outside the
# namespaces is touched. Prints one figure per trial in ms.
set -euo pipefail
trials=${1:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
if [[ ${BERTH_VANISH_INSIDE:-} != 1 ]]; then
	[[ $(id -u) == 0 ]] || { echo "pg-vanish.sh: needs root (network namespaces)" >&2; exit 2; }
	work=$(mktemp -d /tmp/berth-vanish-XXXX)
	trap 'rm -rf "$work"' EXIT
	(cd "$repo" && go test -c -o "$work/pglock.test" ./internal/pglock)
	chown postgres "$work"
	BERTH_VANISH_INSIDE=1 WORK=$work TRIALS=$trials unshare --net --mount --fork "$0"
	exit
fi
bin=$(dirname "$(readlink -f "$(command -v pg_ctl || ls -d /usr/lib/postgresql/*/bin/pg_ctl | tail -1)")")
ip link set lo up
ip link add va type veth peer name vb
ip addr add 10.77.0.1/24 dev va
ip link set va up
runuser -u postgres -- "$bin/initdb" -D "$WORK/data" -A trust -U berth --no-sync >/dev/null
printf "listen_addresses = '10.77.0.1'\nport = 5432\nunix_socket_directories = '%s'\nfsync = off\n" "$WORK" >>"$WORK/data/postgresql.conf"
echo "host all all 10.77.0.0/24 trust" >>"$WORK/data/pg_hba.conf"
runuser -u postgres -- "$bin/pg_ctl" -D "$WORK/data" -l "$WORK/log" -w start >/dev/null
trap 'runuser -u postgres -- "$bin/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null; kill $host 2>/dev/null || true' EXIT
dsn="postgres://berth@10.77.0.1:5432/postgres?sslmode=disable"
local_dsn="postgres://berth@/postgres?host=$WORK&sslmode=disable"
for trial in $(seq "$TRIALS"); do
	# the host: its own network namespace, holding vb
	unshare --net sleep infinity &
	host=$!
	sleep 0.2 # unshare needs a moment to enter the namespace (setup, not a measurement)
	ip link set vb netns "$host"
	nsenter -t "$host" -n sh -c 'ip link set lo up; ip addr add 10.77.0.2/24 dev vb; ip link set vb up'
	name="h-vanish$trial"
	coproc HOLDER { nsenter -t "$host" -n env BERTH_PGLOCK_TEST_ROLE=lease-holder DSN="$dsn" SCOPE=vanish NAME="$name" "$WORK/pglock.test" -test.run='^$'; }
	read -r line <&"${HOLDER[0]}"
	[[ $line == held ]] || { echo "holder did not hold: $line" >&2; exit 1; }
	sleep $((RANDOM % 6)) # vanish at a random point of the keepalive cycle
	nsenter -t "$host" -n ip link set vb down # the host vanishes from the network...
	kill -9 "$HOLDER_PID"                      # ...and its holder dies unheard
	ms=$(env BERTH_PGLOCK_TEST_ROLE=wait-dead DSN="$local_dsn" SCOPE=vanish NAME="$name" "$WORK/pglock.test" -test.run='^$')
	echo "trial $trial: lease judged dead ${ms} ms after its host vanished"
	kill "$host"; wait "$host" 2>/dev/null || true
	ip link del va 2>/dev/null || true
	ip link add va type veth peer name vb
	ip addr add 10.77.0.1/24 dev va
	ip link set va up
done

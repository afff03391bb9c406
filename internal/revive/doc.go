// Package revive brings back, in place, an environment whose containers
// a restart of the Docker daemon stopped (Docker Desktop restarting or
// crashing and coming back, a daemon upgrade): nobody can be using
// containers the daemon stopped, so starting them again is safe even
// under live leases, and it is not a restart the limits count.
//
// Where to start: [Decide] is the pure rule ("were these containers
// stopped by a daemon restart?"), [Observe] gathers what it needs to know
// of the daemon's current life ([Boot]), and [Reviver.ReviveLocked]
// starts the services again in dependency order with health waits.
//
// # When did the daemon start?
//
// Docker 20.10's API says nothing of the daemon's start time (no uptime in
// /info). Two facts tell it apart from outside:
//
//   - The default "bridge" network is deleted and made again at every
//     start of the daemon (unless live restore kept containers running,
//     and then nothing was stopped), before any container can start, so
//     its Created time is after every exit of the daemon's earlier life
//     and before every start of this one. Exact where it exists.
//   - The daemon keeps its latest events in memory only (256 in 20.10)
//     and replays them to a past-events query. A container that exited in
//     this life has its "die" among them unless newer events pushed it
//     out; so no die while the daemon holds fewer events than it can keep
//     means the exit happened before the daemon's current life. This is
//     what a daemon without the default bridge (dockerd --bridge=none)
//     leaves; on a busy daemon the buffer fills and the answer is
//     "unknown", which is never taken as a restart.
//
// The daemon's process start time would be exact on a local socket, but
// the socket's peer is systemd under socket activation and a proxy on
// Docker Desktop, so it is not used.
package revive

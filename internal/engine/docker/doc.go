// Package docker is the [engine.Engine] backed by the Docker Engine API and
// the only package of berth that imports the Docker SDK
// (github.com/moby/moby/client).
//
// [New] finds the daemon the way the docker CLI does (DOCKER_HOST,
// DOCKER_CONTEXT, the CLI's current context, TLS variables) and negotiates
// the API version with it, so one binary works from Docker 20.10 (API 1.41)
// to current daemons. Where a feature depends on the API version the engine
// adapts (networks connected after create before API 1.44, CheckDuplicate
// and IPAM sent by the engine itself for old daemons) or, for a setting
// the container can run without, creates it without and logs a warning
// that names both versions through [Options.Logger] (healthcheck
// start_interval before API 1.44).
//
// Every error wraps an engine kind sentinel when one applies (see
// errors.go): callers retry only what is transient. Nothing here removes
// with force: container, volume and image removals and network disconnects
// all leave the daemon free to refuse. Builds go to the daemon's built-in
// BuildKit over hijacked /grpc and /session connections (buildkit.go,
// probed once per Engine), which runs no containers of the daemon's; on a
// daemon without it, the classic builder is asked to remove intermediate
// containers only after a successful build (never its "forcerm"), and the
// container of a failed step is removed here, without force.
//
// The Engine does no rate limiting, retrying or circuit breaking: callers
// reach it through internal/gate.
package docker

// Package fake is an in-memory [engine.Engine] for fast unit tests of berth's
// logic. It is safe for concurrent use and behaves like Docker Engine 20.10
// where berth depends on it; internal/engine/enginetest is the contract it
// shares with the real adapter.
//
// What it models:
//
//   - Images: [Engine.ImageImport] registers a reference (normalised to
//     ":latest" when untagged). Creating a container from an unknown image
//     fails with [engine.ErrNotFound]; removing an image a container uses
//     fails with [engine.ErrConflict]. Image labels and ENV from the import
//     changes are merged into containers, as the daemon does.
//     [Engine.ImageBuild] neither parses nor runs the Dockerfile: it reads
//     the context tar, requires the Dockerfile (the spec's path, else
//     "Dockerfile") to be in it (else [engine.ErrInvalid], as the daemon
//     answers), and registers a new image with the spec's tags and labels
//     only. Bases, COPY sources, LABEL, ENV, build args and targets are not
//     modelled; the adapter's integration tests check them against the
//     daemon. There is no build cache.
//   - Containers: create, start, stop, inspect, list, remove, logs, stats
//     and exec. Start publishes ports: HostPort "" or "0" gets a
//     distinct ephemeral port >= 32768; a fixed host port already bound by a
//     running container fails with an [engine.ErrConflict] error whose text
//     says "port is already allocated" (the daemon answers 500 here; berth
//     cannot fix it by retrying, so the fake calls it a conflict).
//   - Stop: the stop signal (StopOptions.Signal, else the container's, else
//     SIGTERM) ends the container at once: SIGKILL with exit code 137,
//     SIGTERM or SIGINT with 0 (the test service's behaviour) unless its Env
//     has TESTSVC_IGNORE_SIGTERM=1. A signal that does not end it (any other,
//     as PID 1 ignores signals it has no handler for) makes the stop wait
//     the whole grace period (StopOptions.Timeout, else the container's
//     StopTimeout, else 10 s) and kill it with exit code 137. The wait
//     honours ctx and the [WithSleep] option.
//   - Start echoes the Env value TESTSVC_LOG into the container's log, as
//     the test service prints it at startup. Other TESTSVC_* behaviour
//     (start delay, crash, unhealthy, memory) is not simulated: tests drive
//     it with the hooks below.
//   - Health: a container with a health check starts "starting"; only
//     [Engine.SetHealth] changes it. The default exec of "/testsvc probe"
//     (the test image's health check) agrees with it: exit 0 only once
//     healthy (or without a health check). [Engine.Exit] and [Engine.OOMKill]
//     simulate crashes; the restart policy then restarts the container at
//     once (the daemon waits 100 ms and more between restarts).
//   - Networks: the predefined "bridge", "host" and "none" exist; containers
//     with no network join "bridge". As in Docker 20.10, a container's
//     networks are resolved at start, not create: a missing one fails
//     ContainerStart with [engine.ErrNotFound]. Endpoints are the running containers
//     attached to a network. Two networks may share a name unless
//     CheckDuplicate is set; inspecting an ambiguous name fails with
//     [engine.ErrTransient], with the daemon's message.
//   - Volumes: named and anonymous; a volume mounted by any container is in
//     use. Creating an existing volume returns it, as the daemon does.
//   - Events: container, network, volume and image events with the daemon's
//     actions and attributes (container and image labels appear in
//     Attributes); Since replays recent history.
//
// Test hooks: [Engine.FailNext], [Engine.FailAll], [Engine.Delay] and
// [Engine.Block] inject faults and hold calls in flight; [Engine.Calls]
// counts calls per operation; [Engine.AppendLog], [Engine.SetStats],
// [Engine.SetHealth], [Engine.Exit] and [Engine.OOMKill] drive containers.
package fake

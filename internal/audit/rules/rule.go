package rules

// Rule is one dangerous pattern berth audit finds.
type Rule struct {
	ID       string
	Title    string
	Severity Severity
	// Rationale says in one paragraph why the pattern hurts a shared
	// daemon.
	Rationale string
	// Remedy names the berth feature that replaces the pattern.
	Remedy string
}

// Rule IDs.
const (
	GlobalPrune          = "global-prune"
	ForcedRemoval        = "forced-removal"
	RestartLoop          = "restart-loop"
	ComposeRestartAlways = "compose-restart-always"
	ParallelFixedProject = "parallel-fixed-project"
	StopThenRemove       = "stop-then-remove"
	ZeroStopTimeout      = "zero-stop-timeout"
	ContainerName        = "compose-container-name"
	FixedHostPort        = "compose-fixed-host-port"
	NoMemoryLimit        = "compose-no-memory-limit"
	NetworkHost          = "compose-network-host"
	NoTimeout            = "subprocess-no-timeout"
	DefaultHealth        = "compose-default-health-interval"
	DependsUngated       = "compose-depends-ungated"
)

// table is every rule, most severe first. It is never modified.
var table = [...]Rule{
	{GlobalPrune, "Global prune in test code or scripts", Critical,
		"docker system prune, volume prune, builder prune (and container, network and image -a prunes) remove every unused object on the daemon, not only the test's: another runner's stopped containers, its volumes between two steps, the build cache every developer relies on. On a shared daemon one test run's cleanup destroys the others' state, and the next runs rebuild everything at once. A --filter label=... scopes a prune to its owner and is not reported.",
		"Let `berth gc` clean up: it removes only what berth created and nobody holds (stale and idle environments, orphans), `--mode normal` adds berth's unused volumes and dangling images, and `--mode deep` is the explicit, confirmed global cleanup for a machine you own. In test code, remove only what the test created, by its label."},
	{ForcedRemoval, "Forced removal of containers", High,
		"docker rm with its force flag (and the SDKs' force option on a container removal) kills a running container with SIGKILL and removes it at once: no stop signal, no grace period, no chance to flush. With many runners on one daemon it removes containers other runners still use, races with the daemon's own restart handling, and leaves networks and volumes half torn down. It is the pattern behind most 'container not found' and 'network has active endpoints' failures.",
		"Let berth tear environments down: `berth run` and `berth down` stop each container with its stop signal and grace period, wait until it has stopped, then remove it -- never with force. Outside berth: docker stop, verify it stopped, then docker rm."},
	{RestartLoop, "Restart in a loop without delay or limit", High,
		"A docker restart (or .restart()) in a loop that neither waits nor counts restarts a failing container as fast as the daemon answers, forever: a restart storm that loads the daemon for every runner and hides the failure that caused it.",
		"Use `berth restart SERVICE`: health first (a healthy service is left alone) and limited by a cooldown (BERTH_RESTART_COOLDOWN), attempts per window (BERTH_MAX_RESTART_ATTEMPTS, BERTH_RESTART_WINDOW) and a breaker per service, shared by every berth process; a refused restart exits 4 and says when the next is allowed. A retry of your own needs a limit and a delay."},
	{ComposeRestartAlways, "restart: always in a test stack", High,
		"restart: always and unless-stopped make the daemon restart a crashing service without end. In a test stack a service that cannot start (bad config, port taken, out of memory) then crash-loops for as long as the stack exists, loading the daemon and every runner on it.",
		"Under berth, always and unless-stopped become on-failure:N, capped by BERTH_MAX_RESTART_ATTEMPTS: a crash loop stops after 1+N starts and waits for `berth restart` or a look. In test stacks prefer restart: on-failure or no policy."},
	{ParallelFixedProject, "Parallel test runs against a fixed compose project", High,
		"Test runs started in parallel (pytest -n, go test -p, background jobs, CI matrices on a shared runner) that bring their stack up with one fixed compose project name share its containers and networks by accident: one run's down removes what another still uses, two ups race on the same names ('network is ambiguous', 'container name already in use').",
		"Run the tests through `berth run`: in shared mode every runner gets the same environment by reference count (created once, torn down by the last one out, after a linger), and with --dedicated (BERTH_SHARED=false) each runner gets its own copy with its own names and ephemeral ports."},
	{StopThenRemove, "Stop immediately followed by remove", Medium,
		"A remove issued right after a stop, with nothing checking that the container stopped, fails or races whenever the stop has not finished (a slow shutdown, a stop that timed out into a kill, a restart policy that brought it back): the removal errors out and the cleanup leaves a container behind, or a forced retry follows.",
		"berth's teardown verifies the stop before it removes: it inspects until the container is not running, and reports a container that will not stop with its ID. Use `berth down`, or check the stop (docker wait, docker inspect) before docker rm."},
	{ZeroStopTimeout, "Stop timeout of zero", Medium,
		"A stop timeout of 0 (docker stop -t 0, compose down -t 0, stop(timeout=0), stop_grace_period: 0s) sends SIGKILL at once: services cannot close connections, flush files or deregister, so shared dependencies see broken clients and volumes keep half-written data for the next run.",
		"Give services their grace period: berth stops each with its stop_grace_period (default 10 s) and kills only after it."},
	{ContainerName, "Fixed container_name", Medium,
		"A fixed container_name allows one container of that name per daemon: a second runner's stack fails with 'name already in use', or a cleanup removes the other runner's container by name.",
		"Remove container_name: berth names every container of an environment itself (<env>-<service>-N), so environments never collide on a name, and tests find services through BERTH_<SERVICE>_HOST and BERTH_<SERVICE>_PORT."},
	{FixedHostPort, "Fixed host port", Medium,
		"A fixed host port (\"5432:5432\") can be bound once per machine: parallel stacks, a second checkout or a local database collide with 'port is already allocated', and tests silently talk to whichever stack got the port.",
		"Publish the container port alone (- \"5432\"): berth binds an ephemeral host port for each environment and hands it to the tests as BERTH_<SERVICE>_PORT (see `berth env`)."},
	{NoMemoryLimit, "Service without a memory limit", Medium,
		"A service without a memory limit can take the daemon's whole memory: one leaking test stack makes the kernel OOM-kill other runners' containers or, on Docker Desktop, stalls the VM the daemon runs in.",
		"Set mem_limit (or deploy.resources.limits.memory, or x-berth.memory): berth's memory admission refuses an environment that does not fit what the daemon has left (exit 5, or waits with --wait-for-memory), and `berth ps` shows each container against its limit, HIGH from 70 %."},
	{NetworkHost, "network_mode: host in a shared stack", Medium,
		"A service on the host network binds its ports on the machine itself: two stacks collide on them exactly like fixed host ports, and the service is outside the stack's network isolation.",
		"Keep services on the stack's own networks with published ports; berth creates each environment's networks and hands out ephemeral ports, and refuses a dedicated copy of a stack on the host network."},
	{NoTimeout, "Docker subprocess call without a timeout", Low,
		"A docker command run from test code without a timeout hangs the test run for as long as the daemon does not answer -- the moment a shared daemon is overloaded, every runner blocks with it instead of failing with a message.",
		"Bound every call (subprocess.run(..., timeout=...), exec.CommandContext with a deadline). Better, let berth make the calls: every one passes its gate -- cross-process concurrency slots, a shared rate budget, retries for transient errors only and a circuit breaker every berth process shares."},
	{DefaultHealth, "Health check at the default interval", Low,
		"A healthcheck without interval: runs every 30 s (the daemon's default): a stack waiting on health becomes ready up to 30 s after its services are, and a service that turns unhealthy is noticed late.",
		"Set interval (and start_period) to what the service needs; berth waits on health events, so `berth up` is ready as soon as the checks pass."},
	{DependsUngated, "depends_on without waiting for health", Low,
		"depends_on without condition: service_healthy (or on a service without a healthcheck) only orders the starts: dependents start while the dependency is still initialising, fail their first connections and crash-loop or are restarted by scripts.",
		"Give the dependency a healthcheck and use condition: service_healthy; berth starts services level by level and waits for health before starting the next level."},
}

// Table returns every rule, most severe first.
func Table() []Rule { return append([]Rule(nil), table[:]...) }

// Lookup returns the rule with id; it panics on an unknown id, which is
// a bug in this package.
func Lookup(id string) Rule {
	for _, r := range table {
		if r.ID == id {
			return r
		}
	}
	panic("rules: unknown rule " + id)
}

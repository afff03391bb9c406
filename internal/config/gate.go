package config

import "time"

// Gate is the configuration of the gate every Engine call passes through.
type Gate struct {
	// MaxConcurrentOps and MinConcurrentOps bound the number of mutating
	// calls in flight at once across all berth processes of a daemon
	// (BERTH_MAX_CONCURRENT_OPS, BERTH_MIN_CONCURRENT_OPS): between them
	// the limit adapts to the daemon's latency (policy.Limit); equal, they
	// pin it. Pulls, builds and execs not marked bounded (an interactive
	// `berth exec`) are not counted (gate.HoldsSlot).
	MaxConcurrentOps int
	MinConcurrentOps int
	// MaxConcurrentPulls is the number of image pulls in flight at once
	// across all berth processes of a daemon (BERTH_MAX_CONCURRENT_PULLS);
	// pulls hold no operation slot.
	MaxConcurrentPulls int
	// MaxConcurrentBuilds is the number of image builds in flight at once
	// across all berth processes of a daemon (BERTH_MAX_CONCURRENT_BUILDS);
	// builds hold no operation slot.
	MaxConcurrentBuilds int
	// OpsPerSecond and Burst make the shared rate budget for mutating calls
	// (BERTH_OPS_PER_SECOND, BERTH_OPS_BURST).
	OpsPerSecond float64
	Burst        int
	// MinInterval, when set, is the minimum spacing between two mutating
	// calls and replaces the rate budget (BERTH_OPERATION_COOLDOWN /
	// DOCKER_OPERATION_COOLDOWN, the audits' name for it). It is not the
	// restart cooldown.
	MinInterval time.Duration
	// BreakerThreshold consecutive daemon-unavailable calls open the circuit
	// for BreakerOpenFor (BERTH_BREAKER_THRESHOLD, BERTH_BREAKER_OPEN_FOR).
	BreakerThreshold int
	BreakerOpenFor   time.Duration
	// RetryAttempts is how many times a transient failure is tried in all
	// (BERTH_RETRY_ATTEMPTS); RetryInitial is the first backoff pause.
	RetryAttempts int
	RetryInitial  time.Duration
	// ReadTimeout bounds one call that only reads (ping, inspect, list:
	// BERTH_READ_TIMEOUT); WriteTimeout one that changes the daemon
	// (create, start, remove: BERTH_WRITE_TIMEOUT). A stop gets the
	// container's grace period on top of ReadTimeout. Streams (events,
	// logs, exec), pulls, imports and builds have none: they run as long as
	// they make progress. A call past its deadline counts as the daemon
	// being unavailable (see docs/design.md, "Deadlines").
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
	// StateDir overrides the state directory (BERTH_STATE_DIR).
	StateDir string
	// Store is the PostgreSQL URL that holds the shared state
	// (BERTH_STORE, or --store); "" keeps it in SQLite in the state
	// directory. A malformed URL is a *SettingError.
	Store string
}

// DefaultGate returns the gate defaults of docs/design.md.
func DefaultGate() Gate {
	return Gate{
		MaxConcurrentOps:    16,
		MinConcurrentOps:    2,
		MaxConcurrentPulls:  2,
		OpsPerSecond:        20,
		Burst:               10,
		BreakerThreshold:    5,
		BreakerOpenFor:      30 * time.Second,
		RetryAttempts:       4,
		RetryInitial:        100 * time.Millisecond,
		ReadTimeout:         30 * time.Second,
		WriteTimeout:        2 * time.Minute,
		MaxConcurrentBuilds: 1,
	}
}

// GateFromEnv reads the gate's settings; getenv is os.Getenv in production.
func GateFromEnv(getenv func(string) string) (Gate, error) {
	d := DefaultGate()
	l := &lookup{getenv: getenv}
	g := Gate{
		MaxConcurrentOps:    l.positiveInt(d.MaxConcurrentOps, "BERTH_MAX_CONCURRENT_OPS"),
		MinConcurrentOps:    l.positiveInt(d.MinConcurrentOps, "BERTH_MIN_CONCURRENT_OPS"),
		MaxConcurrentPulls:  l.positiveInt(d.MaxConcurrentPulls, "BERTH_MAX_CONCURRENT_PULLS"),
		OpsPerSecond:        l.positiveFloat(d.OpsPerSecond, "BERTH_OPS_PER_SECOND"),
		Burst:               l.positiveInt(d.Burst, "BERTH_OPS_BURST"),
		MinInterval:         l.duration(0, "DOCKER_OPERATION_COOLDOWN", "BERTH_OPERATION_COOLDOWN"),
		BreakerThreshold:    l.positiveInt(d.BreakerThreshold, "BERTH_BREAKER_THRESHOLD"),
		BreakerOpenFor:      l.positiveDuration(d.BreakerOpenFor, "BERTH_BREAKER_OPEN_FOR"),
		RetryAttempts:       l.positiveInt(d.RetryAttempts, "BERTH_RETRY_ATTEMPTS"),
		RetryInitial:        l.positiveDuration(d.RetryInitial, "BERTH_RETRY_INITIAL"),
		ReadTimeout:         l.positiveDuration(d.ReadTimeout, "BERTH_READ_TIMEOUT"),
		WriteTimeout:        l.positiveDuration(d.WriteTimeout, "BERTH_WRITE_TIMEOUT"),
		StateDir:            getenv("BERTH_STATE_DIR"),
		Store:               l.store(),
		MaxConcurrentBuilds: l.positiveInt(d.MaxConcurrentBuilds, "BERTH_MAX_CONCURRENT_BUILDS"),
	}
	return g, l.err
}

// Names lists every variable GateFromEnv reads, for documentation and tests.
func (Gate) Names() []string {
	return []string{"BERTH_MAX_CONCURRENT_OPS", "BERTH_MIN_CONCURRENT_OPS", "BERTH_MAX_CONCURRENT_PULLS",
		"BERTH_MAX_CONCURRENT_BUILDS", "BERTH_OPS_PER_SECOND", "BERTH_OPS_BURST",
		"DOCKER_OPERATION_COOLDOWN", "BERTH_OPERATION_COOLDOWN", "BERTH_BREAKER_THRESHOLD",
		"BERTH_BREAKER_OPEN_FOR", "BERTH_RETRY_ATTEMPTS", "BERTH_RETRY_INITIAL",
		"BERTH_READ_TIMEOUT", "BERTH_WRITE_TIMEOUT"}
}

package store

import "time"

// State is the state of an environment's record.
type State string

// Environment states.
const (
	StateCreating    State = "creating"     // its stack is being brought up
	StateReady       State = "ready"        // its stack came up healthy
	StateBroken      State = "broken"       // known to be broken
	StateTearingDown State = "tearing_down" // its stack is being torn down
	// StatePooled: a dedicated copy made ready ahead of demand and leased
	// to no one yet (see internal/pool); taking it sets it ready.
	StatePooled State = "pooled"
)

// Pool is the target of a project's warm pool of dedicated copies: Size
// ready copies of configuration ConfigHash.
type Pool struct {
	Project    string `json:"project"`
	ConfigHash string `json:"config_hash"`
	Size       int    `json:"size"`
}

// Env is the record of one environment.
type Env struct {
	ID         string            `json:"id"`          // environment ID; also the value of label dev.berth.env
	Project    string            `json:"project"`     // compose project name
	Mode       string            `json:"mode"`        // "shared" or "dedicated"
	ConfigHash string            `json:"config_hash"` // hash of the effective configuration
	Files      []string          `json:"files"`       // compose files it was made from
	State      State             `json:"state"`
	CreatedAt  time.Time         `json:"created_at"`
	ReadyAt    time.Time         `json:"ready_at"`   // zero until ready
	Linger     time.Duration     `json:"linger"`     // how long it stays once idle
	IdleSince  time.Time         `json:"idle_since"` // zero while leased; set when the last lease goes
	Endpoints  map[string]string `json:"endpoints"`  // BERTH_* variables
	// StaleAfter is the project's x-berth.stale_after; 0 = not set, gc's
	// setting or default applies.
	StaleAfter time.Duration `json:"stale_after"`
}

// Holder identifies the process a lease belongs to.
type Holder struct {
	Host      string `json:"host"`
	PID       int    `json:"pid"`
	StartTime uint64 `json:"start_time"` // proc.StartTime of PID on Host; 0 = unknown (heartbeat only)
	// Lock names the lease's lock file in the state directory (see package
	// internal/leases): the lease is live while it is held. "" = no lock
	// (a lease that lives by its TTL, or one made by an older berth).
	Lock string `json:"lock,omitempty"`
}

// Lease is one runner's claim on an environment.
type Lease struct {
	ID          string        `json:"id"` // "l-" + 16 hex digits
	EnvID       string        `json:"env_id"`
	Holder      Holder        `json:"holder"`
	CreatedAt   time.Time     `json:"created_at"`
	HeartbeatAt time.Time     `json:"heartbeat_at"`
	TTL         time.Duration `json:"ttl"` // heartbeat validity; 0 = liveness by the lock alone (or the PID, without one)
}

// OpRecord is one Docker operation as the gate saw it.
type OpRecord struct {
	Time      time.Time     `json:"ts"`
	Op        string        `json:"op"`
	Duration  time.Duration `json:"duration"`   // stored in microseconds
	Queued    time.Duration `json:"queued"`     // the part of Duration before the last attempt reached the daemon (microseconds)
	ErrorKind string        `json:"error_kind"` // "" on success
	Retries   int           `json:"retries"`
	PID       int           `json:"pid"`
}

// UsageKind is what a [UsageRecord] records.
type UsageKind string

// Usage record kinds.
const (
	UsageAcquire UsageKind = "acquire" // a new environment was made for an acquisition; ValueMS is the time it took
	UsageReuse   UsageKind = "reuse"   // an existing environment was reused; ValueMS is the time it took
	UsageRelease UsageKind = "release" // a lease was released
	UsageReady   UsageKind = "ready"   // ValueMS is the time to ready
)

// UsageRecord is one environment usage event.
type UsageRecord struct {
	Time    time.Time `json:"ts"`
	EnvID   string    `json:"env_id"`
	Kind    UsageKind `json:"kind"`
	ValueMS int64     `json:"value_ms"`
}

// RestartKind is what a [RestartRecord] records.
type RestartKind string

// Restart record kinds.
const (
	RestartDone    RestartKind = "done"    // berth restarted the service
	RestartRefused RestartKind = "refused" // berth refused a restart (the limiter or the breaker said no)
	RestartForced  RestartKind = "forced"  // berth restarted it with --force
	RestartEngine  RestartKind = "engine"  // the engine restarted it on its own (restart policy)
	// RestartRevived: berth started it again after a daemon restart had
	// stopped it; not an attempt for the restart limits.
	RestartRevived RestartKind = "revived"
)

// RestartRecord is one restart of a service, or one refused restart. The
// history of every berth process of a daemon is in the one store, so the
// restart limits hold across processes.
type RestartRecord struct {
	Time    time.Time   `json:"ts"`
	EnvID   string      `json:"env_id"`
	Service string      `json:"service"`
	Kind    RestartKind `json:"kind"`
	Reason  string      `json:"reason"`
}

// EventRecord is one container event of a berth environment, as the
// watcher (internal/watch) recorded it.
type EventRecord struct {
	Time      time.Time `json:"ts"` // the daemon's event time
	EnvID     string    `json:"env_id"`
	Service   string    `json:"service"`
	Container string    `json:"container"` // container ID
	// Action is "die" (exited on its own), "stop" (exited after a stop or
	// kill request), "oom", "restart", "health_status: healthy", ...
	Action   string `json:"action"`
	ExitCode int    `json:"exit_code"` // die and stop; 0 otherwise
	// OOMKilled is true on the "oom" records, exactly one per OOM kill.
	OOMKilled   bool  `json:"oom_killed"`
	MemoryLimit int64 `json:"memory_limit"` // bytes, on oom records; 0 = no limit or unknown
}

// GCRunRecord is one cleanup run and what it did: `berth serve`'s
// scheduled gc keeps one per run, for its metrics and status page.
type GCRunRecord struct {
	Time     time.Time     `json:"ts"`       // when the run started
	Mode     string        `json:"mode"`     // "safe" or "normal"
	Duration time.Duration `json:"duration"` // stored in microseconds
	Actions  int           `json:"actions"`  // removals the plan held
	Removed  int           `json:"removed"`  // removals that removed something
	TornDown int           `json:"torn_down"`
	// Reclaimed is the bytes the removals freed (the plan's estimates; see
	// gc.Report.Reclaimed).
	Reclaimed int64  `json:"reclaimed"`
	Error     string `json:"error,omitempty"` // "" when the run succeeded
}

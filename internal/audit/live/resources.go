package live

// Resources is the resource section of the report; its JSON form is part
// of the report's stable schema. Sizes are bytes, ages seconds.
type Resources struct {
	// Checked is false when the daemon was not asked (--no-daemon) or did
	// not answer; Reason then says which.
	Checked  bool   `json:"checked"`
	Reason   string `json:"reason,omitempty"`
	Endpoint string `json:"endpoint,omitempty"`

	// Lines are the headline figures, as the hand-written audits quoted
	// them ("Build Cache: 11.11GB (100% reclaimable)").
	Lines []string `json:"lines,omitempty"`
	// Alerts are the figures that need attention, one sentence each.
	Alerts []string `json:"alerts,omitempty"`

	Daemon   *Daemon     `json:"daemon,omitempty"`
	Disk     *Disk       `json:"disk,omitempty"`
	Stopped  []Stopped   `json:"stopped_containers"`
	Memory   []MemoryUse `json:"memory"`
	NoLimit  []string    `json:"running_without_limit"`
	Commit   *Commitment `json:"memory_commitment,omitempty"`
	Volumes  []Volume    `json:"unused_volumes"`
	StaleEnv []Env       `json:"stale_environments"`
	Errors   []string    `json:"errors,omitempty"`
}

// Daemon is the daemon's identity and size.
type Daemon struct {
	ServerVersion     string `json:"server_version"`
	CPUs              int    `json:"cpus"`
	Memory            int64  `json:"memory"`
	ContainersRunning int    `json:"containers_running"`
	Containers        int    `json:"containers"`
}

// Disk is the daemon's disk usage by category.
type Disk struct {
	Images     Usage `json:"images"`
	Containers Usage `json:"containers"`
	Volumes    Usage `json:"volumes"`
	BuildCache Usage `json:"build_cache"`
}

// Usage is one category of disk usage.
type Usage struct {
	Count       int   `json:"count"`
	Active      int   `json:"active"`
	Size        int64 `json:"size"`
	Reclaimable int64 `json:"reclaimable"`
	// Percent is Reclaimable in percent of Size (0 when Size is 0).
	Percent float64 `json:"reclaimable_percent"`
}

// Stopped is an exited, dead or created (never started) container.
type Stopped struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Image  string `json:"image"`
	State  string `json:"state"`
	Status string `json:"status"`
	Age    int64  `json:"age_seconds"` // since it was created
	Berth  bool   `json:"berth"`       // it carries berth's labels
}

// MemoryUse is a running container's memory against its limit.
type MemoryUse struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Usage   int64   `json:"usage"`
	Limit   int64   `json:"limit"`
	Percent float64 `json:"percent"`
	High    bool    `json:"high"` // at or above memory.HighPercent
}

// Commitment is the daemon's memory against the sum of the running
// containers' limits.
type Commitment struct {
	DaemonMemory int64   `json:"daemon_memory"`
	LimitsSum    int64   `json:"limits_sum"`
	Percent      float64 `json:"percent"`
	Unlimited    int     `json:"running_without_limit"`
	// Overcommitted is set when the limits add up to more than the daemon has.
	Overcommitted bool `json:"overcommitted"`
}

// Volume is a volume no container uses.
type Volume struct {
	Name  string `json:"name"`
	Size  int64  `json:"size"` // -1 when unknown
	Berth bool   `json:"berth"`
}

// Env is a berth environment past its stale age.
type Env struct {
	ID         string `json:"id"`
	Project    string `json:"project,omitempty"`
	Age        int64  `json:"age_seconds"`
	StaleAfter int64  `json:"stale_after_seconds"`
	Containers int    `json:"containers"`
	Running    int    `json:"running"`
}

// NotChecked is the resource section of an audit that did not ask the
// daemon, saying why.
func NotChecked(reason string) Resources {
	return Resources{Reason: reason, Stopped: []Stopped{}, Memory: []MemoryUse{}, NoLimit: []string{},
		Volumes: []Volume{}, StaleEnv: []Env{}}
}

package live

import (
	"time"

	"github.com/berth-dev/berth/internal/engine"
)

// Facts is what the daemon said, at one moment. Fields after Reachable
// are zero when it could not be reached.
type Facts struct {
	Endpoint    string
	Reachable   bool
	Unreachable string // why not, when not reachable
	Now         time.Time
	// StaleAfter is the age past which a berth environment is stale
	// (BERTH_STALE_AFTER, else gc's default).
	StaleAfter time.Duration

	Info       engine.Info
	Disk       engine.DiskUsage
	Containers []Container
	// Errors are facts that could not be read although the daemon answered.
	Errors []string
}

// Container is one container of the daemon.
type Container struct {
	engine.ContainerSummary
	// MemoryLimit is its memory limit in bytes (0: none); known for
	// running containers only (Inspected).
	MemoryLimit int64
	Inspected   bool
	// Sample is a memory sample of a running container; nil when none
	// was taken or it failed.
	Sample *engine.Stats
}

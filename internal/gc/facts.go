package gc

import (
	"time"

	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/store"
)

// Facts is everything a plan is made from, gathered at one moment.
type Facts struct {
	Now time.Time
	// StoreCreated is when the store file was created; a resource older
	// than it may have been leased in a store that was lost.
	StoreCreated time.Time
	// State is the value of the dev.berth.state label of this state
	// directory (its path hash), StateID of dev.berth.state-id: a resource
	// is ours when either matches ([labels.Identity]), another state's
	// when it carries either label and neither matches.
	State, StateID string
	// Host is this host's name: an orphan another host made may be leased
	// in that host's store (same state path, another machine).
	Host string
	// Envs are the store's environments with their live lease counts.
	Envs []Env
	// Pools are the warm pool targets (internal/pool): which pooled
	// copies gc reclaims.
	Pools []store.Pool
	// Busy holds the IDs of environments whose lock is held right now.
	Busy map[string]bool

	Containers []Container
	Networks   []Network
	Volumes    []Volume
	Images     []Image
	// BuildCacheReclaimable is the build cache's reclaimable bytes; -1
	// when unknown.
	BuildCacheReclaimable int64
	// BuildCacheRecords counts the build cache records.
	BuildCacheRecords int
}

// identity is the state the facts were gathered for.
func (f Facts) identity() labels.Identity { return labels.Identity{Path: f.State, ID: f.StateID} }

// ours reports whether labels m name this state.
func (f Facts) ours(m map[string]string) bool { return f.identity().Ours(m) }

// Env is one environment of the store.
type Env struct {
	Record     store.Env
	LiveLeases int
	// DeadLeases are leases whose holders are gone but that are not reaped
	// yet (a dry run reaps nothing): reaping the last one marks the
	// environment idle from then, so the plan counts it idle from now.
	DeadLeases int
}

// Container is one berth-labelled container.
type Container struct {
	ID, Name  string
	Labels    map[string]string
	State     string // "running", "exited", ...
	ExitCode  int    // when exited
	OOMKilled bool
	Created   time.Time
	Size      int64 // writable layer bytes; -1 unknown
}

// Network is one berth-labelled network.
type Network struct {
	ID, Name string
	Labels   map[string]string
	Created  time.Time
}

// Volume is one volume (berth-labelled or, for mode deep, any).
type Volume struct {
	Name     string
	Labels   map[string]string
	Created  time.Time
	Size     int64 // bytes; -1 unknown
	RefCount int   // containers mounting it; -1 unknown
}

// Image is one image on the daemon.
type Image struct {
	ID         string
	Tags       []string // none: dangling
	Labels     map[string]string
	Created    time.Time
	Size       int64
	SharedSize int64 // -1 unknown
	Containers int   // containers using it; -1 unknown
}

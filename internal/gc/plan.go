package gc

import "time"

// Kind is the kind of resource an action removes.
type Kind string

// Kinds, in the order a plan executes them.
const (
	KindContainer  Kind = "container"
	KindNetwork    Kind = "network"
	KindVolume     Kind = "volume"
	KindImage      Kind = "image"
	KindBuildCache Kind = "build-cache"
)

// Action is one removal.
type Action struct {
	Kind Kind   `json:"kind"`
	ID   string `json:"id"`   // container or network ID, volume name, image ID; "" for the build cache
	Name string `json:"name"` // what a person recognises: container name, image tag...
	// Env is the environment the resource belongs to ("" for none). An
	// action with Env set runs under that environment's lock.
	Env    string `json:"env,omitempty"`
	Reason string `json:"reason"`
	Size   int64  `json:"size"` // estimated bytes freed; -1 unknown
	// Tags are an image's tags when planned: the removal untags exactly
	// these, and is skipped if the image's tags changed meanwhile.
	Tags []string `json:"tags,omitempty"`
}

// Teardown is an environment the plan takes down: its containers,
// networks and volumes are among the actions.
type Teardown struct {
	Env string `json:"env"`
	// Known: the store has a record of it (CreatedAt identifies that
	// record, so a recreated environment of the same ID is not taken down
	// on the strength of its predecessor's facts).
	Known     bool      `json:"known"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	// IdleSince is the record's idle mark when planned: a different one
	// under the lock means it was acquired (and maybe released) since.
	IdleSince time.Time `json:"idle_since,omitzero"`
	// Pooled: it was a pooled copy when planned; taken from the pool
	// since, it is its taker's.
	Pooled bool   `json:"pooled,omitempty"`
	Reason string `json:"reason"`
}

// Kept is an environment (or a resource) the plan leaves, and why.
type Kept struct {
	Env    string `json:"env,omitempty"`
	Name   string `json:"name,omitempty"` // a resource, when not a whole environment
	Reason string `json:"reason"`
}

// Plan is a cleanup, in execution order: the environments' containers,
// then their networks, then volumes, then images, then the build cache.
type Plan struct {
	Mode      Mode       `json:"mode"`
	Teardowns []Teardown `json:"teardowns"`
	Actions   []Action   `json:"actions"`
	Kept      []Kept     `json:"kept"`
}

// Reclaimable is the sum of the actions' known sizes.
func (p Plan) Reclaimable() int64 {
	var n int64
	for _, a := range p.Actions {
		if a.Size > 0 {
			n += a.Size
		}
	}
	return n
}

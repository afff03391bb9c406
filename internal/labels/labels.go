// Package labels holds every label key berth writes or reads, and builds the
// label set every berth-created resource carries. Labels are the truth of
// what exists (docs/design.md invariant 5): berth mutates only resources that
// carry [Env].
package labels

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// berth's own labels.
const (
	// Env is the environment ID; its presence marks a resource as berth's.
	Env = "dev.berth.env"
	// Mode is "shared" or "dedicated".
	Mode = "dev.berth.mode"
	// ConfigHash is the hash of the environment's effective configuration.
	ConfigHash = "dev.berth.config-hash"
	// Creator is "user@host:pid" of the process that created the resource.
	Creator = "dev.berth.creator"
	// Created is the creation time, RFC 3339 in UTC.
	Created = "dev.berth.created"
	// Version is the berth version that created the resource.
	Version = "dev.berth.version"
	// State identifies the state directory (the store and locks) of the
	// berth that created the resource: see [StateOf]. gc treats a resource
	// of another state directory as not its own.
	State = "dev.berth.state"
	// BuildDigest is set on every image berth builds: a digest of what
	// the build reads (context files, Dockerfile, secrets' sources). An
	// image tagged as the build asks with the same digest is the build's
	// result: reused, never built again.
	BuildDigest = "dev.berth.build-digest"
	// StateID is the random ID written once into the state directory that
	// made the resource (see [Identity]): the same directory mounted at
	// another path (a CI job container) has the same ID.
	StateID = "dev.berth.state-id"
	// DependsOn is set on every service container: the services it
	// depends on, comma-separated and sorted ("" for none). With [Job]
	// it lets a container's environment be started again in dependency
	// order from the daemon's view alone (after a daemon restart).
	DependsOn = "dev.berth.depends-on"
	// Job is "true" on the container of a job: a service its dependents
	// wait for to complete (exit 0), not to run.
	Job = "dev.berth.job"
)

// Identity is what makes a resource belong to one state directory: its
// [StateOf] path hash (label [State]) and its ID (label [StateID]). A
// resource is ours when either matches: the same directory mounted
// anywhere is one state (same ID), and a directory deleted and recreated at
// its path (a new ID) still recognises the environments it made (same
// path hash), as resources made before the ID label do.
type Identity struct {
	Path string // StateOf(dir)
	ID   string // the directory's ID; "" when unknown
}

// Stamp returns the labels that mark a resource as made by this state
// (an identity without a Path, a shared store's, stamps only its ID).
func (i Identity) Stamp() map[string]string {
	m := map[string]string{}
	if i.Path != "" {
		m[State] = i.Path
	}
	if i.ID != "" {
		m[StateID] = i.ID
	}
	return m
}

// IdentityOf is the state labels m name, as an Identity; ok is false when
// m names none.
func IdentityOf(m map[string]string) (i Identity, ok bool) {
	return Identity{Path: m[State], ID: m[StateID]}, Stamped(m)
}

// Stamped reports whether labels m name a state at all (a berth older
// than the label set neither).
func Stamped(m map[string]string) bool { return m[State] != "" || m[StateID] != "" }

// Ours reports whether labels m name this state.
func (i Identity) Ours(m map[string]string) bool {
	return (i.ID != "" && m[StateID] == i.ID) || (i.Path != "" && m[State] == i.Path)
}

// Foreign describes the state labels m name when they are another state's
// ("dev.berth.state=... dev.berth.state-id=..."), and is "" when m is ours
// or names no state.
func (i Identity) Foreign(m map[string]string) string {
	if !Stamped(m) || i.Ours(m) {
		return ""
	}
	d := State + "=" + m[State]
	if m[StateID] != "" {
		d += " " + StateID + "=" + m[StateID]
	}
	return d
}

// StateOf is the value of the State label for state directory dir: 12
// hex digits of the SHA-256 of its absolute path, symbolic links resolved.
// Two users, or BERTH_STATE_DIR pointing elsewhere, give different values;
// losing the store, or the whole directory, and recreating it at the same
// place does not change it, nor does the host name (CI job containers that
// share a mounted state directory). Two hosts that use the same path for
// different directories do share the value: gc tells them apart by the
// host in [Creator].
func StateOf(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	sum := sha256.Sum256([]byte(filepath.Clean(dir)))
	return hex.EncodeToString(sum[:6])
}

// CreatorHost is the host part of the Creator label ("user@host:pid"), or
// "" when absent or malformed.
func CreatorHost(m map[string]string) string {
	c := m[Creator]
	at, colon := strings.LastIndexByte(c, '@'), strings.LastIndexByte(c, ':')
	if at < 0 || colon < at {
		return ""
	}
	return c[at+1 : colon]
}

// Docker Compose's labels, set so Docker Desktop and `docker compose ls/ps`
// group berth's resources like any compose project.
const (
	ComposeProject         = "com.docker.compose.project"
	ComposeService         = "com.docker.compose.service"
	ComposeContainerNumber = "com.docker.compose.container-number"
	ComposeOneoff          = "com.docker.compose.oneoff"
	ComposeNetwork         = "com.docker.compose.network"
	ComposeVolume          = "com.docker.compose.volume"
)

// Owner identifies the resource's environment for [ForResource].
type Owner struct {
	EnvID      string
	Mode       string
	ConfigHash string
	Project    string // compose project name
	Version    string // berth version
}

// ForResource returns the labels for a new resource of owner, created at
// now by this process. Callers add the per-kind compose labels (service,
// container number, network, volume) with [Service].
func ForResource(o Owner, now time.Time) map[string]string {
	m := map[string]string{
		Env:     o.EnvID,
		Creator: CreatorID(),
		Created: now.UTC().Format(time.RFC3339),
	}
	set := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	set(Mode, o.Mode)
	set(ConfigHash, o.ConfigHash)
	set(ComposeProject, o.Project)
	set(Version, o.Version)
	return m
}

// Service adds the compose labels of a service container to m and returns m.
func Service(m map[string]string, service string, number int) map[string]string {
	m[ComposeService] = service
	m[ComposeContainerNumber] = strconv.Itoa(number)
	m[ComposeOneoff] = "False"
	return m
}

// CreatorID returns "user@host:pid" for this process.
func CreatorID() string {
	host, _ := os.Hostname()
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	return name + "@" + host + ":" + strconv.Itoa(os.Getpid())
}

// CreatedAt parses the Created label; ok is false when absent or malformed.
func CreatedAt(m map[string]string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, m[Created])
	return t, err == nil
}

// Owned reports whether labels m mark a berth resource.
func Owned(m map[string]string) bool {
	_, ok := m[Env]
	return ok
}

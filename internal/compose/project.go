package compose

import (
	"time"

	"github.com/berth-dev/berth/internal/engine"
)

// Project is a loaded, validated compose project: what berth brings up.
// It is independent of any environment: names here are the compose file's
// own (service "db", network "default", volume "data"); internal/plan turns
// a Project plus an environment identity into concrete engine specs.
type Project struct {
	Name       string // compose project name (-p, name:, or the directory)
	WorkingDir string // directory of the first compose file
	Files      []string
	// Hash identifies the effective configuration (after merge,
	// interpolation, profiles and overrides): a changed file gives a new
	// hash and so a new shared environment.
	Hash     string
	Services []Service // sorted by name
	Networks []Network // sorted by name; includes "default" when any service uses it
	Volumes  []Volume  // named volumes, sorted by name
	// Secrets and Configs are the top-level secrets and configs the
	// enabled services mount, sorted by name.
	Secrets []FileObject `json:",omitempty"`
	Configs []FileObject `json:",omitempty"`
	Berth   XBerth       // the x-berth extension
	// Notes say where berth does something other than compose would, once
	// per environment when it is created (container_name as an alias,
	// host networking on a shared daemon). Not part of the hash.
	Notes []string `json:"-"`
}

// FileObject is a top-level secret or config: where its content comes
// from. Exactly one of File, Environment and inline content is the source.
type FileObject struct {
	Name string // the key in the compose file
	// File is the absolute path of a file source, bind-mounted as it is.
	File string `json:",omitempty"`
	// Environment names the variable an environment source reads.
	Environment string `json:",omitempty"`
	// Content is the value of an environment or content source, written to
	// a file of its own when the environment is created. It is never part
	// of the configuration hash and never printed (see [Sensitive]).
	Content Sensitive `json:"-"`
}

// FileMount mounts a secret or config into a service's container.
type FileMount struct {
	Source string // the top-level secret or config
	Target string // absolute path in the container
}

// Condition is a depends_on condition.
type Condition string

// The depends_on conditions berth honours.
const (
	ServiceStarted               Condition = "service_started"
	ServiceHealthy               Condition = "service_healthy"
	ServiceCompletedSuccessfully Condition = "service_completed_successfully"
)

// Build is a service's build section. Fields added after the first four
// are omitted from JSON when unset, so configuration hashes of projects
// that do not use them stay as they were.
type Build struct {
	Context    string // absolute directory
	Dockerfile string // relative to Context
	Args       map[string]*string
	Target     string
	// DockerfileInline is the Dockerfile's text (dockerfile_inline),
	// used instead of a file.
	DockerfileInline string            `json:",omitempty"`
	Labels           map[string]string `json:",omitempty"`
	// Secrets are the top-level secrets the build may mount (RUN
	// --mount=type=secret,id=ID), sorted by ID.
	Secrets []BuildSecret `json:",omitempty"`
	// Network is the network of RUN steps: "" (the builder's), "host" or
	// "none".
	Network    string   `json:",omitempty"`
	ExtraHosts []string `json:",omitempty"` // "name=address", sorted
	NoCache    bool     `json:",omitempty"`
	Pull       bool     `json:",omitempty"`
	// AdditionalContexts are named contexts: name -> absolute directory.
	AdditionalContexts map[string]string `json:",omitempty"`
	ShmSize            int64             `json:",omitempty"` // bytes
}

// BuildSecret makes top-level secret Source available to a build as ID.
type BuildSecret struct {
	ID     string
	Source string
}

// ServiceNetwork attaches a service to a project network.
type ServiceNetwork struct {
	Name    string // the project's network key, e.g. "default", "backend"
	Aliases []string
	// IPv4Address is a fixed address on the network (ipv4_address); the
	// network has an IPAM subnet that holds it.
	IPv4Address string `json:",omitempty"`
}

// Service is one compose service with every key berth supports.
type Service struct {
	Name        string
	Image       string // after production overrides; "" only with Build
	Build       *Build
	Pull        PullPolicy `json:"-"` // when the image is fetched, not what runs: not part of the hash
	Command     []string   // nil = image default
	Entrypoint  []string
	Environment []string // KEY=VALUE, env_file merged in, sorted
	Ports       []engine.PortBinding
	Expose      []int
	// Mounts: Source of a "volume" mount is the project's volume key
	// ("data"), or "" for an anonymous volume; bind sources are absolute.
	Mounts        []engine.Mount
	Networks      []ServiceNetwork // sorted by name
	DependsOn     map[string]Condition
	Healthcheck   *engine.Healthcheck // nil = none declared (the image's may apply)
	MemoryLimit   int64               // bytes; mem_limit or deploy.resources.limits.memory, after x-berth overrides
	MemoryReserve int64
	NanoCPUs      int64
	Restart       engine.RestartPolicy
	StopSignal    string
	StopGrace     time.Duration // stop_grace_period; 0 = the engine default (10 s)
	Labels        map[string]string
	WorkingDir    string
	User          string
	Hostname      string
	ExtraHosts    []string
	Init          *bool
	ShmSize       int64
	Ulimits       []engine.Ulimit
	// ContainerName is compose's container_name. berth names containers
	// per environment; this name becomes an alias of the service on its
	// networks instead.
	ContainerName string `json:",omitempty"`
	// NetworkMode is "", "none", "host" or "service:NAME". With a mode the
	// service has no Networks.
	NetworkMode string            `json:",omitempty"`
	StdinOpen   bool              `json:",omitempty"`
	Tty         bool              `json:",omitempty"`
	Sysctls     map[string]string `json:",omitempty"`
	Runtime     string            `json:",omitempty"`
	CapAdd      []string          `json:",omitempty"`
	CapDrop     []string          `json:",omitempty"`
	Privileged  bool              `json:",omitempty"`
	SecurityOpt []string          `json:",omitempty"`
	Devices     []engine.Device   `json:",omitempty"`
	Logging     *engine.Logging   `json:",omitempty"`
	Platform    string            `json:",omitempty"`
	ReadOnly    bool              `json:",omitempty"`
	Tmpfs       map[string]string `json:",omitempty"` // path -> options
	GroupAdd    []string          `json:",omitempty"`
	Secrets     []FileMount       `json:",omitempty"`
	Configs     []FileMount       `json:",omitempty"`
}

// Network is a project network.
type Network struct {
	Name     string // key in the compose file
	Driver   string
	Internal bool
	Labels   map[string]string
	// IPAM is the network's ipam section; nil lets the daemon choose.
	IPAM *engine.IPAM `json:",omitempty"`
}

// Volume is a project named volume.
type Volume struct {
	Name   string // key in the compose file
	Driver string
	Labels map[string]string
}

// XBerth is the top-level x-berth extension: per-project defaults. Zero
// values mean "not set" (the caller applies env vars, flags and defaults).
type XBerth struct {
	Linger     *time.Duration
	StaleAfter *time.Duration
	Restart    XRestart
	// Memory overrides a service's memory limit (service name -> bytes).
	Memory map[string]int64
	// Production image overrides, applied when production mode is on.
	Production XProduction
	// PoolSize is x-berth.pool.size: how many dedicated copies to keep
	// ready (internal/pool). Not part of the configuration hash: resizing
	// the pool is not a new configuration.
	PoolSize *int `json:"-"`
	// Readiness is who declares a service with a health check ready:
	// [ReadinessProbe] (also when empty) or [ReadinessEngine]
	// (x-berth.readiness).
	Readiness Readiness `json:",omitempty"`
}

// Readiness is x-berth.readiness: who declares a service with a health
// check ready for its dependents and for up's wait.
type Readiness string

const (
	// ReadinessProbe: berth runs the service's health check command
	// itself right after the start, with a short backoff, and the first
	// success is ready; the engine's verdict counts too. The default.
	ReadinessProbe Readiness = "probe"
	// ReadinessEngine: only the engine's health status counts (the
	// engine's first probe comes one interval after the start).
	ReadinessEngine Readiness = "engine"
)

// XRestart is x-berth.restart.
type XRestart struct {
	Cooldown    *time.Duration
	MaxAttempts *int
	Window      *time.Duration
	// BreakerOpenFor is how long a service that keeps dying is left alone
	// after its last death (x-berth.restart.breaker_open_for).
	BreakerOpenFor *time.Duration
}

// XProduction is x-berth.production.
type XProduction struct {
	Images map[string]string // service name -> image
	File   string            // an extra compose file merged last (relative to the project)
}

package engine

import (
	"time"
)

// Ping is the daemon's answer to a ping.
type Ping struct {
	APIVersion string // the daemon's maximum API version
	OSType     string
}

// Version describes the daemon and the API version in use.
type Version struct {
	ServerVersion string
	APIVersion    string // the API version negotiated for this client
	MinAPIVersion string
	MaxAPIVersion string // the daemon's own API version
	OS            string
	Arch          string
	KernelVersion string
}

// Info is the subset of the daemon's system information berth uses.
type Info struct {
	ID                string // stable daemon ID: keys berth's state directory
	Name              string
	ServerVersion     string
	OperatingSystem   string
	OSType            string
	Architecture      string
	NCPU              int
	MemTotal          int64
	Containers        int
	ContainersRunning int
	ContainersStopped int
	Images            int
}

// UsageCategory is one line of the daemon's disk usage.
type UsageCategory struct {
	Count       int   // objects in the category
	Active      int   // objects in use
	Size        int64 // bytes
	Reclaimable int64 // bytes that removing unused objects would free
}

// DiskUsage is the daemon's disk usage by category, with the per-object
// detail cleanup plans with.
type DiskUsage struct {
	Images     UsageCategory
	Containers UsageCategory
	Volumes    UsageCategory
	BuildCache UsageCategory

	ImageItems     []ImageUsage
	ContainerItems []ContainerUsage
	VolumeItems    []VolumeUsage
}

// ImageUsage is one image's disk usage.
type ImageUsage struct {
	ID         string
	RepoTags   []string // none: the image is dangling
	Labels     map[string]string
	Created    time.Time
	Size       int64 // bytes, layers shared with other images included
	SharedSize int64 // bytes shared with other images; -1 when unknown
	Containers int   // containers (of any state) using the image; -1 when unknown
}

// ContainerUsage is one container's disk usage.
type ContainerUsage struct {
	ID     string
	SizeRw int64 // bytes of its writable layer
}

// VolumeUsage is one volume's disk usage.
type VolumeUsage struct {
	Name     string
	Labels   map[string]string
	Size     int64 // bytes; -1 when unknown
	RefCount int   // containers (of any state) mounting it; -1 when unknown
}

// EventFilter selects events. Empty fields match everything.
type EventFilter struct {
	Types  []string          // "container", "network", "volume", "image"
	Labels map[string]string // label key -> value ("" matches any value)
	Since  time.Time
	// Until, when set, asks for past events only: the ones the daemon
	// still holds from Since (its first when Since is zero) up to Until,
	// after which the stream ends (both channels close, no error). A
	// daemon keeps only its latest events, and none from before it last
	// started (Docker 20.10: the last 256).
	Until time.Time
}

// Event is one daemon event.
type Event struct {
	Type       string // "container", "network", ...
	Action     string // "start", "die", "health_status: healthy", "oom", ...
	ActorID    string
	Attributes map[string]string // includes labels and, for die, "exitCode"
	Time       time.Time
}

// ListFilter selects objects for the list operations.
type ListFilter struct {
	All    bool              // containers: include stopped ones
	Labels map[string]string // label key -> value ("" matches any value)
	Name   string            // networks, containers: name filter (substring, as the daemon does)
}

// PortBinding publishes a container port on the host. HostPort "" or "0"
// asks the daemon for an ephemeral port.
type PortBinding struct {
	ContainerPort int
	Protocol      string // "tcp" (default) or "udp"
	HostIP        string
	HostPort      string
}

// Mount is a volume, bind or tmpfs mount.
type Mount struct {
	Type     string // "volume", "bind", "tmpfs"
	Source   string // volume name or host path; "" for anonymous volumes and tmpfs
	Target   string
	ReadOnly bool
}

// Healthcheck is a container health check. Zero durations mean the
// daemon's defaults.
type Healthcheck struct {
	Test        []string // e.g. ["CMD", "/testsvc", "probe"]; ["NONE"] disables
	Interval    time.Duration
	Timeout     time.Duration
	StartPeriod time.Duration
	// StartInterval is how often the engine probes during StartPeriod
	// (API 1.44+). 0 with a StartPeriod asks, of a daemon that supports
	// it, [DefaultStartInterval] (see [Healthcheck.StartIntervalToApply]).
	StartInterval time.Duration
	Retries       int
}

// DefaultStartInterval is the start interval berth asks for when a health
// check with a start period sets none: short, so the engine's own verdict
// comes soon after the start too (the daemon's default is 5 s).
const DefaultStartInterval = time.Second

// StartIntervalToApply is the start interval to give a daemon that
// supports one: the declared one; else, when there is a start period and a
// test, [DefaultStartInterval], at most the interval; else 0 (none).
func (h Healthcheck) StartIntervalToApply() time.Duration {
	if h.StartInterval > 0 {
		return h.StartInterval
	}
	if h.StartPeriod <= 0 || len(h.Test) == 0 || h.Test[0] == "NONE" {
		return 0
	}
	if h.Interval > 0 && h.Interval < DefaultStartInterval {
		return h.Interval
	}
	return DefaultStartInterval
}

// Ulimit is one resource limit.
type Ulimit struct {
	Name string
	Soft int64
	Hard int64
}

// RestartPolicy is the engine's restart policy for a container.
type RestartPolicy struct {
	Name              string // "", "no", "on-failure", "always", "unless-stopped"
	MaximumRetryCount int
}

// EndpointSpec attaches a new container to a network.
type EndpointSpec struct {
	Network string // network name or ID
	Aliases []string
	// IPv4Address is a fixed address on the network; "" lets the daemon
	// choose. The network needs a configured subnet that holds it.
	IPv4Address string
}

// Device maps a host device into a container.
type Device struct {
	Source      string // host path, e.g. "/dev/fuse"
	Target      string // path in the container; "" = Source
	Permissions string // cgroup permissions, e.g. "rwm"; "" = "rwm"
}

// Logging is a container's log driver and its options. Note that berth
// reads container logs (the last lines of a failed service): a driver
// the daemon cannot read back (anything but json-file, local and journald)
// leaves those lines out.
type Logging struct {
	Driver  string
	Options map[string]string
}

// ContainerSpec is everything berth sets when it creates a container.
type ContainerSpec struct {
	Name          string
	Image         string
	Cmd           []string
	Entrypoint    []string
	Env           []string // KEY=VALUE
	Labels        map[string]string
	Ports         []PortBinding
	Expose        []int
	Mounts        []Mount
	Networks      []EndpointSpec
	Healthcheck   *Healthcheck
	MemoryLimit   int64 // bytes; 0 = none
	MemoryReserve int64 // bytes; 0 = none
	NanoCPUs      int64
	Restart       RestartPolicy
	StopSignal    string
	StopTimeout   *time.Duration // the grace period the daemon uses on stop
	WorkingDir    string
	User          string
	Hostname      string
	ExtraHosts    []string // "host:ip"
	Init          *bool
	ShmSize       int64
	Ulimits       []Ulimit
	// NetworkMode, when set, replaces Networks: "none", "host", or
	// "container:<name or ID>" to join another container's network
	// namespace. "" attaches Networks (the daemon's bridge when none).
	NetworkMode string
	StdinOpen   bool // keep stdin open (docker run -i)
	Tty         bool // allocate a pseudo-terminal (docker run -t)
	Sysctls     map[string]string
	Runtime     string // OCI runtime; "" = the daemon's default
	CapAdd      []string
	CapDrop     []string
	Privileged  bool
	SecurityOpt []string
	Devices     []Device
	Logging     *Logging // nil = the daemon's default log driver
	// Platform is "os[/arch[/variant]]" the container runs as; "" = the
	// daemon's own.
	Platform string
	ReadOnly bool              // read-only root filesystem
	Tmpfs    map[string]string // mount path -> tmpfs options ("" for none)
	GroupAdd []string
}

// StopOptions control a stop. Signal "" uses the container's stop signal;
// a nil Timeout uses the container's grace period.
type StopOptions struct {
	Signal  string
	Timeout *time.Duration
}

// RemoveOptions control a container removal. There is no force option.
type RemoveOptions struct {
	Volumes bool // also remove the container's anonymous volumes
}

// LogOptions select log lines.
type LogOptions struct {
	Tail   int       // last N lines; 0 = all
	Since  time.Time // lines from then on; zero = from the start
	Follow bool      // keep streaming new lines until the container stops or ctx ends
}

// Health is a container's health state.
type Health struct {
	Status        string // "starting", "healthy", "unhealthy"; "" when no healthcheck
	FailingStreak int
	LastOutput    string
}

// ContainerState is a container's runtime state.
type ContainerState struct {
	Status     string // "created", "running", "restarting", "exited", "dead", ...
	Running    bool
	Restarting bool
	OOMKilled  bool
	Pid        int
	ExitCode   int
	StartedAt  time.Time
	FinishedAt time.Time
	Health     *Health
}

// PublishedPort is a container port bound on the host.
type PublishedPort struct {
	ContainerPort int
	Protocol      string
	HostIP        string
	HostPort      int
}

// Container is the inspected state of one container.
type Container struct {
	ID           string
	Name         string // without the leading slash
	Image        string // image reference the container was created from
	Created      time.Time
	Labels       map[string]string
	Env          []string
	State        ContainerState
	StopSignal   string
	StopTimeout  *time.Duration
	RestartCount int
	Restart      RestartPolicy
	MemoryLimit  int64
	Ports        []PublishedPort
	Networks     map[string][]string // network name -> aliases
	Mounts       []Mount
	// NetworkMode as the daemon stores it: "" or a network name when the
	// container has networks of its own, "none", "host", or
	// "container:<full ID>" (a name given at create is resolved to the
	// ID, as the daemon does).
	NetworkMode string
	StdinOpen   bool
	Tty         bool
	Sysctls     map[string]string
	CapAdd      []string
	CapDrop     []string
	Privileged  bool
	ReadOnly    bool
	Tmpfs       map[string]string
	GroupAdd    []string
	SecurityOpt []string
	Runtime     string // the daemon fills in its default ("runc")
	// Logging is the container's log driver; the daemon fills in its
	// default when none was asked for.
	Logging *Logging
}

// ContainerSummary is one row of a container list.
type ContainerSummary struct {
	ID      string
	Name    string
	Image   string
	State   string // "created", "running", "exited", ...
	Status  string // human status, e.g. "Up 2 seconds (healthy)"
	Created time.Time
	Labels  map[string]string
}

// Stats is a one-shot resource sample of a container.
type Stats struct {
	MemoryUsage int64 // bytes, excluding page cache where the daemon reports it
	MemoryLimit int64 // bytes; the host's memory when the container has no limit
	CPUPercent  float64
}

// NetworkSpec describes a network to create.
type NetworkSpec struct {
	Name     string
	Driver   string // "" = bridge
	Internal bool
	Labels   map[string]string
	// CheckDuplicate asks the daemon to refuse a second network of the same
	// name (best effort on old daemons; always on from API 1.44).
	CheckDuplicate bool
	// IPAM configures the network's addresses; nil lets the daemon choose
	// a subnet from its default pools.
	IPAM *IPAM
}

// IPAM is a network's IP address management: its driver, the address
// pools and the driver's options.
type IPAM struct {
	Driver  string // "" = the daemon's default
	Config  []IPAMPool
	Options map[string]string
}

// IPAMPool is one address pool of a network. Subnet and IPRange are CIDR
// prefixes, Gateway and the auxiliary addresses plain addresses.
type IPAMPool struct {
	Subnet       string
	IPRange      string
	Gateway      string
	AuxAddresses map[string]string // host name -> address the daemon must not hand out
}

// Network is the inspected state of a network.
type Network struct {
	ID         string
	Name       string
	Driver     string
	Created    time.Time
	Labels     map[string]string
	Containers []string // IDs of attached containers (filled by NetworkInspect)
	// IPAM as the daemon reports it: the pools asked for, or the one it
	// chose (filled by NetworkInspect).
	IPAM *IPAM
}

// VolumeSpec describes a volume to create.
type VolumeSpec struct {
	Name   string // "" lets the daemon choose
	Driver string
	Labels map[string]string
}

// Volume is one volume.
type Volume struct {
	Name      string
	Driver    string
	CreatedAt time.Time
	Labels    map[string]string
}

// Image is one image.
type Image struct {
	ID       string
	RepoTags []string
	Created  time.Time
	Size     int64
	Labels   map[string]string
	// LastTagTime is when the image was last pulled or tagged on this
	// daemon; zero when unknown (Docker 20.10 leaves it zero for an image
	// it pulled for the first time; the gate fills in berth's own pulls).
	LastTagTime time.Time
}

// PruneOptions select what a prune removes.
type PruneOptions struct {
	All    bool              // everything unused, not only dangling records
	Labels map[string]string // only objects with these labels
}

// PruneReport says what a prune removed.
type PruneReport struct {
	Deleted        []string
	SpaceReclaimed int64
}

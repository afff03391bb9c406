package fact

// ComposeFile is a compose file of the repository, as written (no
// interpolation, no merging of several files).
type ComposeFile struct {
	Path string // slash-separated, relative to the scanned root
	// Name is the top-level name: (a fixed project name), NameLoc its
	// place; "" when absent.
	Name    string
	NameLoc Loc
	// Services in file order.
	Services []Service
	// BerthMemory names the services x-berth.memory gives a limit.
	BerthMemory map[string]bool
}

// Service is one service of a compose file.
type Service struct {
	Name string
	Loc  Loc // the service's key
	// Extends is set when the service extends another: what it inherits
	// is not known, so the rules about what is missing skip it.
	Extends bool

	Restart       Setting // restart:
	MemLimit      Setting // mem_limit: or deploy.resources.limits.memory
	ContainerName Setting // container_name:
	NetworkMode   Setting // network_mode:
	StopGrace     Setting // stop_grace_period:
	// Ports are the published ports with a fixed host port.
	FixedPorts []Setting
	// Health is the healthcheck, nil when the service declares none.
	Health    *Health
	DependsOn []Dependency
}

// Setting is one key's scalar value and where it is; Value "" with a
// zero Loc means absent.
type Setting struct {
	Value string
	Loc   Loc
}

// Set reports whether the key is present.
func (s Setting) Set() bool { return s.Loc.Line > 0 }

// Health is a service's healthcheck.
type Health struct {
	Loc Loc
	// Disabled is set for disable: true or test: ["NONE"].
	Disabled bool
	// Interval is the interval: setting; unset means the 30 s default.
	Interval Setting
}

// Dependency is one depends_on entry.
type Dependency struct {
	Service string
	// Condition is "" for the short (list) form, which means
	// service_started.
	Condition string
	Loc       Loc
}

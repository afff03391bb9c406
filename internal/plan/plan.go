package plan

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
)

// Modes of an environment ([Identity.Mode]).
const (
	ModeShared    = "shared"
	ModeDedicated = "dedicated"
)

// DefaultGrace is a service's stop grace period when it sets none: the
// engine's own default.
const DefaultGrace = 10 * time.Second

// Identity names one environment.
type Identity struct {
	// EnvID is the environment's ID (e.g. "demo-3f9a1c2b4d5e"): the value
	// of the dev.berth.env label, the compose project label and the
	// prefix of every resource name.
	EnvID      string
	Project    string // compose project name
	Mode       string // [ModeShared] or [ModeDedicated]
	ConfigHash string
	Version    string // berth version
	// RestartBudget caps the engine's own restarts of a service (see
	// [EngineRestart]); <= 0 means [DefaultRestartBudget].
	RestartBudget int
}

// Plan is everything needed to bring one environment up.
type Plan struct {
	ID       Identity
	Networks []NetworkPlan // sorted by key
	Volumes  []VolumePlan  // sorted by key
	Builds   []BuildPlan   // sorted by service
	Pulls    []PullPlan    // sorted by image
	Services map[string]ServicePlan
	// Levels holds service names by dependency level: level 0 depends on
	// nothing, level n only on levels < n. Names are sorted within a level.
	Levels [][]string
	// Files are the secrets and configs berth writes before the services
	// start (environment and content sources), sorted by name.
	Files []FilePlan
	// Notes say, once when the environment is created, where berth does
	// something other than compose would: the project's (container_name
	// as an alias) and this identity's (a dedicated copy's subnets, host
	// networking on a shared daemon).
	Notes []string
}

// FilePlan is a file berth writes, mode 0600, in the environment's files
// directory before any container is created, and bind-mounts read-only
// where services mount the secret or config.
type FilePlan struct {
	// Name is the file's name in the directory: "secret-<name>" or
	// "config-<name>".
	Name    string
	Content compose.Sensitive // never printed (see [compose.Sensitive])
}

// FileMount mounts a [FilePlan] into a service's container.
type FileMount struct {
	File   string // [FilePlan.Name]
	Target string // absolute path in the container
}

// NetworkPlan is one project network.
type NetworkPlan struct {
	Key  string // the compose file's key, e.g. "default"
	Spec engine.NetworkSpec
}

// VolumePlan is one project named volume.
type VolumePlan struct {
	Key  string
	Spec engine.VolumeSpec
}

// ServicePlan is one service: its container spec and what it waits for.
type ServicePlan struct {
	Name string
	// Spec is the container to create, with every name resolved to this
	// environment's resources.
	Spec engine.ContainerSpec
	// DependsOn maps a dependency to the condition this service waits for.
	DependsOn map[string]compose.Condition
	// Healthcheck: the compose file declares a health check (not NONE).
	// The image may still bring its own; the engine's state decides then.
	Healthcheck bool
	// Probe is the health check command berth runs itself in the
	// container, from right after the start, to declare the service ready
	// before the engine's first probe (an interval after the start); nil
	// leaves readiness to the engine's health status alone. It is set for
	// a declared CMD or CMD-SHELL test unless x-berth.readiness is
	// "engine", and cleared for a [ServicePlan.Job].
	Probe []string
	// Job: every service that depends on this one waits for
	// service_completed_successfully, so it is ready once it exited 0
	// rather than while it runs.
	Job bool
	// Grace is the stop grace period (stop_grace_period, else
	// [DefaultGrace]).
	Grace time.Duration
	// Files are the written secrets and configs the container mounts; the
	// bind mounts are added when the files directory is known (at up).
	Files []FileMount
}

// Build plans environment id for project p. Resources are labelled as
// created at now. It fails when a service names a network, volume,
// secret, config or dependency the project does not define, when a
// service has neither an image nor a build, when dependencies form a
// cycle (the error names the services on it), and when a dedicated copy
// would need what only one environment of the daemon can have (host
// networking, a fixed address).
func Build(p *compose.Project, id Identity, now time.Time) (*Plan, error) {
	if id.EnvID == "" {
		return nil, fmt.Errorf("plan environment: empty environment ID")
	}
	pl := &Plan{ID: id, Services: make(map[string]ServicePlan, len(p.Services)), Notes: slices.Clone(p.Notes)}
	networks := map[string]string{}
	for _, n := range p.Networks {
		spec := engine.NetworkSpec{Name: NetworkName(id.EnvID, n.Name), Driver: n.Driver, Internal: n.Internal,
			Labels: resourceLabels(id, now, n.Labels, labels.ComposeNetwork, n.Name)}
		var note string
		spec.IPAM, note = networkIPAM(id, n)
		if note != "" {
			pl.Notes = append(pl.Notes, note)
		}
		pl.Networks = append(pl.Networks, NetworkPlan{Key: n.Name, Spec: spec})
		networks[n.Name] = spec.Name
	}
	volumes := map[string]string{}
	for _, v := range p.Volumes {
		spec := engine.VolumeSpec{Name: VolumeName(id.EnvID, v.Name), Driver: v.Driver,
			Labels: resourceLabels(id, now, v.Labels, labels.ComposeVolume, v.Name)}
		pl.Volumes = append(pl.Volumes, VolumePlan{Key: v.Name, Spec: spec})
		volumes[v.Name] = spec.Name
	}
	sortByKey(pl.Networks, func(n NetworkPlan) string { return n.Key })
	sortByKey(pl.Volumes, func(v VolumePlan) string { return v.Key })
	files, written := planFiles(p)
	pl.Files = written
	r := resolver{id: id, now: now, networks: networks, volumes: volumes, files: files}
	for _, s := range p.Services {
		if _, dup := pl.Services[s.Name]; dup {
			return nil, fmt.Errorf("plan service %s: defined twice", s.Name)
		}
		sp, build, err := r.service(p, s)
		if err != nil {
			return nil, fmt.Errorf("plan service %s: %w", s.Name, err)
		}
		pl.Services[s.Name] = sp
		if build != nil {
			pl.Builds = append(pl.Builds, *build)
		}
	}
	sortByKey(pl.Builds, func(b BuildPlan) string { return b.Service })
	pl.Pulls = pulls(p.Services)
	pl.Notes = append(pl.Notes, hostNotes(id, p)...)
	levels, err := Levels(pl.Services)
	if err != nil {
		return nil, err
	}
	pl.Levels = levels
	markJobs(pl.Services)
	stampOrder(pl.Services)
	return pl, nil
}

// stampOrder labels each service's container with its dependencies and
// whether it is a job ([labels.DependsOn], [labels.Job]), so the order can
// be read back from the containers ([OrderFromLabels]).
func stampOrder(services map[string]ServicePlan) {
	for name, s := range services {
		s.Spec.Labels = maps.Clone(s.Spec.Labels)
		if s.Spec.Labels == nil {
			s.Spec.Labels = map[string]string{}
		}
		s.Spec.Labels[labels.DependsOn] = strings.Join(slices.Sorted(maps.Keys(s.DependsOn)), ",")
		if s.Job {
			s.Spec.Labels[labels.Job] = "true"
		}
		services[name] = s
	}
}

// NetworkName is the engine name of project network key in environment envID.
func NetworkName(envID, key string) string { return envID + "_" + key }

// VolumeName is the engine name of project volume key in environment envID.
func VolumeName(envID, key string) string { return envID + "_" + key }

// ContainerName is the engine name of service's (only) container.
func ContainerName(envID, service string) string { return envID + "-" + service + "-1" }

// owner is the labels owner of identity id. The compose project label is
// the environment ID, so each environment groups as its own project.
func owner(id Identity) labels.Owner {
	return labels.Owner{EnvID: id.EnvID, Mode: id.Mode, ConfigHash: id.ConfigHash, Project: id.EnvID, Version: id.Version}
}

// resourceLabels merges the user's labels with berth's (which win) and the
// compose label kindKey=key.
func resourceLabels(id Identity, now time.Time, own map[string]string, kindKey, key string) map[string]string {
	m := maps.Clone(own)
	if m == nil {
		m = map[string]string{}
	}
	maps.Copy(m, labels.ForResource(owner(id), now))
	m[kindKey] = key
	return m
}

// markJobs sets Job on every service that has dependents and whose
// dependents all wait for service_completed_successfully.
func markJobs(services map[string]ServicePlan) {
	conds := map[string][]compose.Condition{}
	for _, s := range services {
		for dep, c := range s.DependsOn {
			conds[dep] = append(conds[dep], c)
		}
	}
	for name, cs := range conds {
		job := true
		for _, c := range cs {
			job = job && c == compose.ServiceCompletedSuccessfully
		}
		if s, ok := services[name]; ok && job {
			s.Job, s.Probe = true, nil // a job is ready once it exited 0
			services[name] = s
		}
	}
}

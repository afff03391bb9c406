package lifecycle

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/plan"
)

// ServiceStatus is the state of one container of an environment.
type ServiceStatus struct {
	Service     string // compose service label
	ContainerID string
	Name        string
	State       string // "running", "exited", "created", ...
	Health      string // "", "starting", "healthy", "unhealthy"
	ExitCode    int
	OOMKilled   bool
	Ports       []engine.PublishedPort
	MemoryLimit int64
	StateLabel  string // its dev.berth.state label: the berth state directory that made it
	// StateIDLabel is its dev.berth.state-id label (see [labels.Identity]).
	StateIDLabel string
	// StartedAt and FinishedAt are when it last started and last exited
	// (the daemon's clock; zero when never).
	StartedAt, FinishedAt time.Time
	// StopGrace is its stop timeout; 0 when the daemon's default applies.
	StopGrace time.Duration
	// StopSignal is its stop signal; "" when the daemon's default (SIGTERM).
	StopSignal string
	// Labels are all its labels.
	Labels map[string]string
	// Probed: the engine's health is still "starting" but berth's own run
	// of the health check passed ([ConfirmStarting]): ready, as [Up]
	// counts it.
	Probed bool
}

// StateLabels are s's state labels, as [labels.Identity] reads them.
func (s ServiceStatus) StateLabels() map[string]string {
	return map[string]string{labels.State: s.StateLabel, labels.StateID: s.StateIDLabel}
}

// EnvStatus is the state of an environment's containers.
type EnvStatus struct {
	EnvID    string
	Services []ServiceStatus // sorted by service, then container name
}

// Status reports the containers labelled dev.berth.env=envID, stopped ones
// included: one list by label and one inspection per container. A
// container removed meanwhile is left out. An environment with no
// container has no services (and no error).
func Status(ctx context.Context, e engine.Engine, envID string) (EnvStatus, error) {
	st := EnvStatus{EnvID: envID}
	cs, err := e.ContainerList(ctx, engine.ListFilter{All: true, Labels: map[string]string{labels.Env: envID}})
	if err != nil {
		return st, fmt.Errorf("status of %s: list containers: %w", envID, err)
	}
	for _, s := range cs {
		c, err := e.ContainerInspect(ctx, s.ID)
		if errors.Is(err, engine.ErrNotFound) {
			continue
		}
		if err != nil {
			return st, fmt.Errorf("status of %s: inspect container %s: %w", envID, s.Name, err)
		}
		ss := ServiceStatus{Service: c.Labels[labels.ComposeService], ContainerID: c.ID, Name: c.Name,
			State: c.State.Status, ExitCode: c.State.ExitCode, OOMKilled: c.State.OOMKilled,
			Ports: c.Ports, MemoryLimit: c.MemoryLimit, StateLabel: c.Labels[labels.State], StateIDLabel: c.Labels[labels.StateID],
			StartedAt: c.State.StartedAt, FinishedAt: c.State.FinishedAt, Labels: c.Labels, StopSignal: c.StopSignal}
		if c.StopTimeout != nil {
			ss.StopGrace = *c.StopTimeout
		}
		if c.State.Health != nil {
			ss.Health = c.State.Health.Status
		}
		st.Services = append(st.Services, ss)
	}
	slices.SortFunc(st.Services, func(a, b ServiceStatus) int {
		return cmp.Or(cmp.Compare(a.Service, b.Service), cmp.Compare(a.Name, b.Name))
	})
	return st, nil
}

// Healthy is the cheap check before reusing a shared environment: every
// service of p has a container that is ready as [Up] defines it (running,
// and healthy when it has a health check; a job exited 0 or still
// running). why names what is wrong otherwise.
func (s EnvStatus) Healthy(p *plan.Plan) (ok bool, why string) {
	var problems []string
	for _, name := range slices.Sorted(maps.Keys(p.Services)) {
		sp := p.Services[name]
		i := slices.IndexFunc(s.Services, func(ss ServiceStatus) bool { return ss.Service == name })
		if i < 0 {
			problems = append(problems, "service "+name+" has no container")
			continue
		}
		if why := s.Services[i].problem(sp); why != "" {
			problems = append(problems, "service "+name+" "+why)
		}
	}
	if len(problems) > 0 {
		return false, strings.Join(problems, "; ")
	}
	return true, ""
}

// problem says why ss is not ready as service sp, or "".
func (ss ServiceStatus) problem(sp plan.ServicePlan) string {
	switch {
	case sp.Job && ss.State == "exited" && ss.ExitCode == 0:
		return ""
	case ss.State == "exited" || ss.State == "dead":
		return fmt.Sprintf("is %s (code %d)", ss.State, ss.ExitCode)
	case ss.State != "running":
		return "is " + ss.State
	case ss.Health == "starting" && ss.Probed:
		return ""
	case ss.Health == "" && sp.Healthcheck:
		return "has no health status"
	case ss.Health != "" && ss.Health != "healthy":
		return "is " + ss.Health
	}
	return ""
}

package acquire

import (
	"fmt"
	"time"

	"github.com/berth-dev/berth/internal/endpoints"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/resolve"
	"github.com/berth-dev/berth/internal/store"
)

// record is environment r's store record in state.
func (a *Acquirer) record(r *resolve.Env, state store.State, ready time.Time, vars map[string]string) store.Env {
	return store.Env{ID: r.ID(), Project: r.Project.Name, Mode: r.Plan.ID.Mode,
		ConfigHash: r.Project.Hash, Files: r.Project.Files, State: state, CreatedAt: a.Clock.Now(),
		ReadyAt: ready, Linger: r.Linger, Endpoints: vars, StaleAfter: r.StaleAfter}
}

// vars computes the BERTH_* endpoint variables of a running environment.
func (a *Acquirer) vars(st lifecycle.EnvStatus) map[string]string {
	return Vars(a.Engine.Endpoint(), st)
}

// Vars computes the BERTH_* endpoint variables of environment st on the
// daemon at endpoint.
func Vars(endpoint string, st lifecycle.EnvStatus) map[string]string {
	var ports []endpoints.Port
	for _, s := range st.Services {
		for _, p := range s.Ports {
			ports = append(ports, endpoints.Port{Service: s.Service, ContainerPort: p.ContainerPort,
				Protocol: p.Protocol, HostIP: p.HostIP, HostPort: p.HostPort})
		}
	}
	return endpoints.Vars(endpoints.Host(endpoint), ports)
}

// refuseForeign refuses an environment whose containers another state
// directory made: its leases live in that directory's store, which this
// process cannot see, so sharing it would let either side take it down
// under the other's runners.
func (a *Acquirer) refuseForeign(id string, st lifecycle.EnvStatus) error {
	for _, s := range st.Services {
		if f := a.State.Foreign(s.StateLabels()); f != "" {
			return fmt.Errorf("environment %s is already up, made by a berth with another state directory (%s: another user, host or BERTH_STATE_DIR) whose leases this one cannot see; use the same BERTH_STATE_DIR, or another project name (-p)",
				id, f)
		}
	}
	return nil
}

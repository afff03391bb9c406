package berth

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"sync"
	"time"

	"github.com/berth-dev/berth/internal/endpoints"
	"github.com/berth-dev/berth/internal/leases"
	"github.com/berth-dev/berth/internal/store"
)

// Env is a leased environment. Release it when done; until then its
// services keep running for this holder.
type Env struct {
	// ID names the environment (label dev.berth.env, compose project).
	ID string
	// Project is the compose project name; Mode is [ModeShared] or
	// [ModeDedicated].
	Project, Mode string
	// LeaseID identifies this holder's lease (berth down --lease).
	LeaseID string
	// Reused is true when an existing environment was leased.
	Reused bool

	m        *Manager
	vars     map[string]string
	closeMgr bool           // Release also closes the Manager (package-level Acquire)
	hold     leases.Pending // the lease's lock, when this process holds it

	once      sync.Once
	stopBeats chan struct{}
	beatsDone chan struct{}
}

func newEnv(m *Manager, rec store.Env, l store.Lease, reused bool, hold leases.Pending) *Env {
	e := &Env{ID: rec.ID, Project: rec.Project, Mode: rec.Mode, LeaseID: l.ID, Reused: reused, m: m,
		vars: maps.Clone(rec.Endpoints), hold: hold}
	if l.TTL > 0 {
		e.stopBeats, e.beatsDone = make(chan struct{}), make(chan struct{})
		go e.heartbeat(l.TTL)
	}
	return e
}

// Vars returns the BERTH_* endpoint variables: BERTH_<SERVICE>_HOST,
// BERTH_<SERVICE>_PORT and BERTH_<SERVICE>_PORT_<CONTAINER_PORT>.
func (e *Env) Vars() map[string]string { return maps.Clone(e.vars) }

// Endpoint returns "host:port" where the service's container port is
// published.
func (e *Env) Endpoint(service string, port int) (string, error) {
	prefix := "BERTH_" + endpoints.Name(service)
	p, ok := e.vars[prefix+"_PORT_"+strconv.Itoa(port)]
	if !ok {
		return "", fmt.Errorf("endpoint %s:%d: the service publishes no such port in environment %s", service, port, e.ID)
	}
	return e.vars[prefix+"_HOST"] + ":" + p, nil
}

// Release gives the lease up. When it was the last live lease, the
// environment lingers for reuse and is then torn down (at once for a
// linger of 0 and for dedicated environments). Release is idempotent.
func (e *Env) Release(ctx context.Context) error {
	var err error
	e.once.Do(func() {
		if e.stopBeats != nil {
			close(e.stopBeats)
			<-e.beatsDone
		}
		err = e.m.Release(ctx, e.LeaseID, ReleaseOptions{})
		if e.hold != nil {
			e.hold.Drop() // after the release: until then the lease stays live
		}
		if e.closeMgr {
			if cerr := e.m.Close(); err == nil {
				err = cerr
			}
		}
	})
	return err
}

func (e *Env) heartbeat(ttl time.Duration) {
	defer close(e.beatsDone)
	leases.Beat(ttl, e.stopBeats, func() error {
		sys, err := e.m.system(context.Background())
		if err != nil {
			return err
		}
		return sys.db.Heartbeat(context.Background(), e.LeaseID, e.m.clock.Now())
	}, func(err error) { e.m.log.Warn("lease heartbeat", "lease", e.LeaseID, "err", err) })
}

// Acquire opens a [Manager] from the environment and acquires o with it;
// releasing the returned Env also closes the Manager. It is the one call a
// TestMain needs.
func Acquire(ctx context.Context, o Options) (*Env, error) {
	m, err := Open(o.Getenv, o.Logger)
	if err != nil {
		return nil, err
	}
	e, err := m.Acquire(ctx, o)
	if err != nil {
		_ = m.Close()
		return nil, err
	}
	e.closeMgr = true
	return e, nil
}

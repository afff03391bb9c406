package berth

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/memory"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/store"
)

// memoryPoll is how often [Options.WaitForMemory] checks again.
const memoryPoll = time.Second

// AdmissionError refuses to create an environment whose memory limits do
// not fit in what the daemon has left: its Need (the sum of its services'
// memory limits; a service without a limit counts 0) is more than the
// daemon's total memory minus what the running containers of other berth
// environments reserve (their limits). Nothing was created. The CLI exits
// 5 on it.
type AdmissionError struct {
	EnvID    string
	Need     int64
	Total    int64
	Reserved int64
	LiveEnvs int
	// Waited is how long [Options.WaitForMemory] waited before giving up.
	Waited time.Duration
	msg    string
}

func (e *AdmissionError) Error() string {
	if e.Waited > 0 {
		return fmt.Sprintf("admit environment: still not enough memory after waiting %s: %s", e.Waited.Round(time.Second), e.msg)
	}
	return "admit environment: " + e.msg
}

// admitLocked checks, before environment r is created, that its memory
// limits fit; with o.WaitForMemory > 0 it polls until they do or the wait
// ends. The caller holds the environment's lock (not a global one: two
// different environments admitted at the same moment may both pass).
func (m *Manager) admitLocked(ctx context.Context, r *resolved, o Options) error {
	need, unlimited := planNeed(r.plan)
	if need == 0 {
		return nil
	}
	info, err := m.conn.Info(ctx)
	if err != nil {
		return fmt.Errorf("admit environment: read daemon memory: %w", err)
	}
	start := m.now()
	for waited := false; ; waited = true {
		reserved, envs, err := m.reservedMemory(ctx, r.plan.ID.EnvID)
		if err != nil {
			return fmt.Errorf("admit environment: %w", err)
		}
		ok, free := memory.Admit(need, info.MemTotal, reserved)
		if ok {
			if waited {
				m.log.Info("memory released; creating environment", "env", r.plan.ID.EnvID, "free", free)
			}
			return nil
		}
		elapsed := m.now().Sub(start)
		if elapsed >= o.WaitForMemory {
			ref := memory.Refusal{EnvID: r.plan.ID.EnvID, Need: need, Total: info.MemTotal, Reserved: reserved,
				LiveEnvs: envs, Unlimited: unlimited}
			return &AdmissionError{EnvID: ref.EnvID, Need: need, Total: info.MemTotal, Reserved: reserved,
				LiveEnvs: envs, Waited: min(elapsed, o.WaitForMemory), msg: ref.Message()}
		}
		if !waited {
			m.log.Warn("waiting for memory", "env", r.plan.ID.EnvID, "need", memory.Bytes(need),
				"free", memory.Bytes(free), "up_to", o.WaitForMemory)
		}
		t := time.NewTimer(min(memoryPoll, o.WaitForMemory-elapsed))
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("wait for memory: %w", ctx.Err())
		case <-t.C:
		}
	}
}

// planNeed sums the memory limits of p's services and names those without one.
func planNeed(p *plan.Plan) (need int64, unlimited []string) {
	for _, name := range slices.Sorted(maps.Keys(p.Services)) {
		if l := p.Services[name].Spec.MemoryLimit; l > 0 {
			need += l
		} else {
			unlimited = append(unlimited, name)
		}
	}
	return need, unlimited
}

// reservedMemory sums the memory limits of the running containers of
// berth environments other than envID, found by label (labels are the
// truth of what exists; a lingering environment with no lease still holds
// its memory), and counts those environments.
func (m *Manager) reservedMemory(ctx context.Context, envID string) (int64, int, error) {
	cs, err := m.conn.ContainerList(ctx, engine.ListFilter{Labels: map[string]string{labels.Env: ""}})
	if err != nil {
		return 0, 0, fmt.Errorf("list running berth containers: %w", err)
	}
	var total int64
	envs := map[string]bool{}
	for _, c := range cs {
		id := c.Labels[labels.Env]
		if id == envID {
			continue
		}
		in, err := m.conn.ContainerInspect(ctx, c.ID)
		if errors.Is(err, engine.ErrNotFound) {
			continue
		}
		if err != nil {
			return 0, 0, fmt.Errorf("inspect container %s: %w", c.Name, err)
		}
		envs[id] = true
		total += max(in.MemoryLimit, 0)
	}
	return total, len(envs), nil
}

// noteOOM records, for `berth stats`, a service that an [lifecycle.Up]
// failed on because the kernel OOM-killed it (nobody else saw it: the
// failed up removed the container), and adds its memory limit and a
// remedy to the error. Any other error is returned as it is.
func (m *Manager) noteOOM(ctx context.Context, db store.Store, r *resolved, err error) error {
	var se *lifecycle.ServiceError
	if !errors.As(err, &se) || !m.wasOOM(ctx, r.plan.ID.EnvID, se) {
		return err
	}
	limit := r.plan.Services[se.Service].Spec.MemoryLimit
	if !m.oomRecorded(context.WithoutCancel(ctx), db, r.plan.ID.EnvID, se) {
		ev := store.EventRecord{Time: m.now(), EnvID: r.plan.ID.EnvID, Service: se.Service, Container: se.ContainerID,
			Action: "oom", ExitCode: 137, OOMKilled: true, MemoryLimit: limit}
		if rerr := db.RecordEvent(context.WithoutCancel(ctx), ev); rerr != nil {
			m.log.Warn("record OOM kill", "service", se.Service, "err", rerr)
		}
	}
	if limit <= 0 {
		return fmt.Errorf("%w\nservice %s was OOM-killed without a memory limit of its own: the host ran out of memory", err, se.Service)
	}
	return fmt.Errorf("%w\nservice %s was OOM-killed at its memory limit of %s: raise its mem_limit (or x-berth.memory) or make it use less",
		err, se.Service, memory.Bytes(limit))
}

// sampleParallel bounds the memory samples taken at once. The daemon
// (20.10) answers a one-shot stats request on its next collection tick,
// up to a second later, so samples are taken side by side.
const sampleParallel = 16

// sampleMemory takes one stats sample through the gate of each container
// in ids, in parallel. A failed sample (the container may have just
// stopped) is left out and logged, not an error.
func (m *Manager) sampleMemory(ctx context.Context, ids []string) map[string]engine.Stats {
	out := make(map[string]engine.Stats, len(ids))
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, sampleParallel)
	for _, id := range ids {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			st, err := m.conn.ContainerStats(ctx, id)
			if err != nil {
				m.log.Debug("memory sample", "container", id, "err", err)
				return
			}
			mu.Lock()
			out[id] = st
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

// withMemory fills in the memory usage of every running service of envs.
func (m *Manager) withMemory(ctx context.Context, envs []EnvInfo) {
	var ids []string
	for _, e := range envs {
		for _, s := range e.Services {
			if s.State == "running" {
				ids = append(ids, s.Container)
			}
		}
	}
	samples := m.sampleMemory(ctx, ids)
	for _, e := range envs {
		for i := range e.Services {
			s := &e.Services[i]
			st, ok := samples[s.Container]
			if !ok || s.State != "running" {
				continue
			}
			s.MemoryUsage = st.MemoryUsage
			s.MemoryPercent, s.High = memory.Pressure(st.MemoryUsage, s.MemoryLimit)
		}
	}
}

// oomReplay bounds the replay of a failed container's past events.
const oomReplay = time.Second

// wasOOM reports whether the service se names was OOM-killed. lifecycle's
// reason for an OOM kill ends in "(OOM)"; but the daemon may report the
// container exited (code 137) a moment before it flags the OOM kill, so
// for a 137 the daemon's recorded events of that container are replayed
// (briefly) to look for its "oom".
func (m *Manager) wasOOM(ctx context.Context, envID string, se *lifecycle.ServiceError) bool {
	if strings.Contains(se.Reason, "(OOM)") {
		return true
	}
	if !strings.Contains(se.Reason, "code 137") || se.ContainerID == "" {
		return false
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), oomReplay)
	defer cancel()
	evc, errc := m.conn.Events(rctx, engine.EventFilter{Types: []string{"container"},
		Labels: map[string]string{labels.Env: envID}, Since: m.now().Add(-time.Hour)})
	for {
		select {
		case ev, ok := <-evc:
			if !ok {
				return false
			}
			if ev.Action == "oom" && sameContainer(ev.ActorID, se.ContainerID) {
				return true
			}
		case <-errc:
			errc = nil // the event channel closes next
		}
	}
}

// oomRecorded reports whether the event watcher that ran during the up
// already recorded this container's OOM kill (it has stopped by now).
func (m *Manager) oomRecorded(ctx context.Context, db store.Store, envID string, se *lifecycle.ServiceError) bool {
	evs, err := db.ServiceEvents(ctx, envID, se.Service, time.Time{})
	if err != nil {
		return false
	}
	return slices.ContainsFunc(evs, func(e store.EventRecord) bool {
		return e.Action == "oom" && sameContainer(e.Container, se.ContainerID)
	})
}

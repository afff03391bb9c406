package acquire

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/memory"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/resolve"
)

// memoryPoll is how often a wait for memory checks again.
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
	// Waited is how long the acquisition waited for memory before giving up.
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
// limits fit; with wait > 0 it polls until they do or the wait ends. The
// caller holds the environment's lock (not a global one: two different
// environments admitted at the same moment may both pass).
func (a *Acquirer) admitLocked(ctx context.Context, r *resolve.Env, wait time.Duration) error {
	need, unlimited := planNeed(r.Plan)
	if need == 0 {
		return nil
	}
	info, err := a.Engine.Info(ctx)
	if err != nil {
		return fmt.Errorf("admit environment: read daemon memory: %w", err)
	}
	start := a.Clock.Now()
	for waited := false; ; waited = true {
		reserved, envs, err := a.reservedMemory(ctx, r.ID())
		if err != nil {
			return fmt.Errorf("admit environment: %w", err)
		}
		ok, free := memory.Admit(need, info.MemTotal, reserved)
		if ok {
			if waited {
				a.Log.Info("memory released; creating environment", "env", r.ID(), "free", free)
			}
			return nil
		}
		elapsed := a.Clock.Now().Sub(start)
		if elapsed >= wait {
			ref := memory.Refusal{EnvID: r.ID(), Need: need, Total: info.MemTotal, Reserved: reserved,
				LiveEnvs: envs, Unlimited: unlimited}
			return &AdmissionError{EnvID: ref.EnvID, Need: need, Total: info.MemTotal, Reserved: reserved,
				LiveEnvs: envs, Waited: min(elapsed, wait), msg: ref.Message()}
		}
		if !waited {
			a.Log.Warn("waiting for memory", "env", r.ID(), "need", memory.Bytes(need),
				"free", memory.Bytes(free), "up_to", wait)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for memory: %w", ctx.Err())
		case <-a.Clock.After(min(memoryPoll, wait-elapsed)):
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
func (a *Acquirer) reservedMemory(ctx context.Context, envID string) (int64, int, error) {
	cs, err := a.Engine.ContainerList(ctx, engine.ListFilter{Labels: map[string]string{labels.Env: ""}})
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
		in, err := a.Engine.ContainerInspect(ctx, c.ID)
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

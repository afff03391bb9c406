package acquire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lock"
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
// limits fit in what the daemon has left, and reserves them: deciding and
// reserving are one step across every berth process of the daemon
// ([Acquirer.Reservations]), so environments admitted at the same moment
// cannot together exceed the daemon's memory. release gives the
// reservation back; call it once the environment's containers are up (then
// their limits count) or gone. An environment that does not fit now waits,
// polling, up to wait, saying so on progress; one larger than the daemon's
// whole memory is refused at once.
func (a *Acquirer) admitLocked(ctx context.Context, r *resolve.Env, wait time.Duration, progress io.Writer) (release func(), err error) {
	need, unlimited := planNeed(r.Plan)
	if need == 0 {
		return func() {}, nil
	}
	info, err := a.Engine.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("admit environment: read daemon memory: %w", err)
	}
	start := a.Clock.Now()
	for waited := false; ; waited = true {
		var reserved int64
		var envs int
		release, ok, err := a.reserve(ctx, r.ID(), need, func(others []lock.Claimed) (bool, error) {
			var err error
			reserved, envs, err = a.reservedMemory(ctx, r.ID(), others)
			if err != nil {
				return false, err
			}
			ok, _ := memory.Admit(need, info.MemTotal, reserved)
			return ok, nil
		})
		if err != nil {
			return nil, fmt.Errorf("admit environment: %w", err)
		}
		_, free := memory.Admit(need, info.MemTotal, reserved)
		if ok {
			if waited {
				a.Log.Info("memory released; creating environment", "env", r.ID(), "free", free)
				fmt.Fprintf(progress, "memory released (%s free); creating %s\n", memory.Bytes(free), r.ID())
			}
			return release, nil
		}
		elapsed := a.Clock.Now().Sub(start)
		if elapsed >= wait || need > info.MemTotal {
			ref := memory.Refusal{EnvID: r.ID(), Need: need, Total: info.MemTotal, Reserved: reserved,
				LiveEnvs: envs, Unlimited: unlimited}
			waitedFor := min(elapsed, wait)
			if need > info.MemTotal {
				waitedFor = 0 // refused without waiting: it can never fit
			}
			return nil, &AdmissionError{EnvID: ref.EnvID, Need: need, Total: info.MemTotal, Reserved: reserved,
				LiveEnvs: envs, Waited: waitedFor, msg: ref.Message()}
		}
		if !waited {
			a.Log.Info("waiting for memory", "env", r.ID(), "need", memory.Bytes(need),
				"free", memory.Bytes(free), "up_to", wait)
			fmt.Fprintf(progress, "waiting for memory: %s needs %s, %s free (up to %s)\n",
				r.ID(), memory.Bytes(need), memory.Bytes(free), wait)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for memory: %w", ctx.Err())
		case <-a.Clock.After(min(memoryPoll, wait-elapsed)):
		}
	}
}

// reserve decides and reserves through a.Reservations; without them (a
// single process's tests) it only decides.
func (a *Acquirer) reserve(ctx context.Context, envID string, need int64,
	fits func([]lock.Claimed) (bool, error)) (release func(), ok bool, err error) {
	if a.Reservations == nil {
		ok, err := fits(nil)
		return func() {}, ok, err
	}
	return a.Reservations.Claim(ctx, envID, need, fits)
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

// reservedMemory is what the daemon's memory is already promised to:
// the memory limits of the running containers of berth environments other
// than envID, found by label (labels are the truth of what exists; a
// lingering environment with no lease still holds its memory; each
// container's limit is inspected once, see [memLimits]), plus the
// reservations of environments being created by other processes (counted
// instead of their containers, which are still coming up). It also counts
// those environments.
func (a *Acquirer) reservedMemory(ctx context.Context, envID string, reservations []lock.Claimed) (int64, int, error) {
	cs, err := a.Engine.ContainerList(ctx, engine.ListFilter{Labels: map[string]string{labels.Env: ""}})
	if err != nil {
		return 0, 0, fmt.Errorf("list running berth containers: %w", err)
	}
	var total int64
	envs := map[string]bool{}
	for _, r := range reservations {
		if r.Name != envID {
			total += r.Amount
			envs[r.Name] = true
		}
	}
	running := map[string]bool{}
	listed := make(map[string]bool, len(cs))
	for _, c := range cs {
		listed[c.ID] = true
		id := c.Labels[labels.Env]
		if id == envID || envs[id] {
			continue
		}
		limit, err := a.memLimits.limit(ctx, a.Engine, c.ID)
		if errors.Is(err, engine.ErrNotFound) {
			continue
		}
		if err != nil {
			return 0, 0, fmt.Errorf("inspect container %s: %w", c.Name, err)
		}
		running[id] = true
		total += limit
	}
	a.memLimits.keep(listed)
	return total, len(envs) + len(running), nil
}

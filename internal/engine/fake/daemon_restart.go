package fake

import (
	"slices"
	"strconv"
)

// StopDaemon does to the containers what a Docker daemon's shutdown does
// (live restore off): every running container is sent its stop signal
// and, if it ignores it, killed (137), without waiting its grace period,
// with the events a stop makes; none is restarted by its restart policy.
// The fake goes on answering calls; [Engine.StartDaemon] is the return.
func (e *Engine) StopDaemon() {
	e.mu.Lock()
	defer e.mu.Unlock()
	ids := make([]string, 0, len(e.containers))
	for id, c := range e.containers {
		if c.state.Running {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		c := e.containers[id]
		num, _ := signalNumber("", firstNonEmpty(c.spec.StopSignal, "SIGTERM"))
		e.emitContainerLocked(c, "kill", map[string]string{"signal": strconv.Itoa(num)})
		code := 137
		if dies, got := signalEffect(c, num); dies {
			code = got
		}
		e.dieLocked(c, code, false)
		e.emitContainerLocked(c, "stop", nil)
	}
}

// StartDaemon does what a Docker daemon's start does to what the fake
// holds: the events of its earlier life are gone, and the default
// "bridge" network is made again (a new Created time; the fake keeps its
// ID, as its containers refer to networks by ID), as the daemon does at
// every start; with bridge false the daemon runs without one (dockerd
// --bridge=none) and it is removed.
func (e *Engine) StartDaemon(bridge bool) {
	e.bus.forget()
	e.mu.Lock()
	defer e.mu.Unlock()
	for id, n := range e.networks {
		if n.builtin && n.name == "bridge" {
			if bridge {
				n.created = e.now()
			} else {
				delete(e.networks, id)
			}
			return
		}
	}
	if bridge {
		n := &network{id: newHexID(), name: "bridge", driver: "bridge", created: e.now(), builtin: true}
		e.networks[n.id] = n
	}
}

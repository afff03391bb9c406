package testsvc

import "sync"

// State is what /healthz reports.
type State int

// The health states. A service is Starting until [Health.Ready], then
// Healthy unless it has been marked unhealthy.
const (
	Starting State = iota
	Healthy
	Unhealthy
)

func (s State) String() string {
	switch s {
	case Starting:
		return "starting"
	case Healthy:
		return "healthy"
	case Unhealthy:
		return "unhealthy"
	}
	return "unknown"
}

// Health is the service's health state machine, safe for concurrent use.
// Readiness and the unhealthy mark are independent: a service marked
// unhealthy while starting is Unhealthy once ready, and Starting before.
type Health struct {
	mu        sync.Mutex
	ready     bool
	unhealthy bool
}

// Ready records that every port is listening.
func (h *Health) Ready() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ready = true
}

// SetHealthy clears (true) or sets (false) the unhealthy mark.
func (h *Health) SetHealthy(ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.unhealthy = !ok
}

// State returns the current state.
func (h *Health) State() State {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case !h.ready:
		return Starting
	case h.unhealthy:
		return Unhealthy
	}
	return Healthy
}

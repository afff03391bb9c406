package revive

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/berth-dev/berth/internal/engine"
)

// EventBuffer is how many events a Docker daemon keeps for past-event
// queries (moby's daemon/events eventsLimit: 256 in Docker 20.10). A
// daemon that holds fewer holds every event of its current life.
const EventBuffer = 256

// dieSlack is how much earlier than a container's FinishedAt its die
// event may be stamped and still be taken as that exit's.
const dieSlack = time.Second

// Boot is what is known of when the daemon's current life began.
type Boot struct {
	// BridgeCreated is when the daemon made its default "bridge" network,
	// which it makes again at each start; zero when it has none.
	BridgeCreated time.Time
	// Died holds the times of the "die" events the daemon still holds,
	// by container ID.
	Died map[string][]time.Time
	// Complete: the daemon holds every event of its current life (fewer
	// than [EventBuffer]), so an exit of this life has its die in Died.
	Complete bool
}

// Restarted reports whether the daemon's current life began after a
// container (ID id) exited at finished, and whether that is known.
func (b Boot) Restarted(id string, finished time.Time) (after, known bool) {
	if finished.IsZero() {
		return false, false
	}
	if !b.BridgeCreated.IsZero() {
		return b.BridgeCreated.After(finished), true
	}
	for _, t := range b.Died[id] {
		if !t.Before(finished.Add(-dieSlack)) {
			return false, true // its die is of this life
		}
	}
	if b.Complete {
		return true, true
	}
	return false, false
}

// Observe asks the daemon what [Boot] needs: the default bridge network
// and the events it still holds up to now (its clock's now; the daemon
// compares it with its own).
func Observe(ctx context.Context, e engine.Engine, now time.Time) (Boot, error) {
	var b Boot
	n, err := e.NetworkInspect(ctx, "bridge")
	switch {
	case err == nil && n.Name == "bridge":
		b.BridgeCreated = n.Created
	case err != nil && !errors.Is(err, engine.ErrNotFound):
		return b, fmt.Errorf("observe the daemon's start: inspect network bridge: %w", err)
	}
	if !b.BridgeCreated.IsZero() {
		return b, nil // exact: the events are not needed
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	evs, errc := e.Events(ctx, engine.EventFilter{Until: now})
	count := 0
	b.Died = map[string][]time.Time{}
	for ev := range evs {
		count++
		if ev.Type == "container" && ev.Action == "die" {
			b.Died[ev.ActorID] = append(b.Died[ev.ActorID], ev.Time)
		}
	}
	if err := <-errc; err != nil {
		return b, fmt.Errorf("observe the daemon's start: past events: %w", err)
	}
	b.Complete = count < EventBuffer
	return b, nil
}

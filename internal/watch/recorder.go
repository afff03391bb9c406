package watch

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/store"
)

// Store is the part of [store.Store] a watcher uses: it only records.
type Store interface {
	RecordEvent(ctx context.Context, r store.EventRecord) error
	RecordRestart(ctx context.Context, r store.RestartRecord) error
}

// recorder turns one environment's container events into store records.
// It is used by one goroutine only.
type recorder struct {
	e          engine.Engine
	db         Store
	envID      string // "": every environment, each event's own label
	log        *slog.Logger
	containers map[string]*containerState // by container ID
	onBreak    func()                     // called when the stream breaks; nil: none
}

// containerState is what the recorder remembers of one container.
type containerState struct {
	known    bool // restarts is a true baseline (seen created, or inspected)
	restarts int  // engine restarts accounted for (RestartCount when caught up)
	died     bool // a die was seen since the last start
	killed   bool // a kill was requested since the last start
	oom      bool // an oom was recorded since the last start
}

func (r *recorder) state(id string) *containerState {
	st := r.containers[id]
	if st == nil {
		st = &containerState{}
		r.containers[id] = st
	}
	return st
}

// handle records what ev means (see [Start]).
func (r *recorder) handle(ctx context.Context, ev engine.Event) {
	st := r.state(ev.ActorID)
	envID := r.envID
	if envID == "" {
		envID = ev.Attributes[labels.Env]
	}
	rec := store.EventRecord{Time: ev.Time, EnvID: envID, Service: ev.Attributes[labels.ComposeService],
		Container: ev.ActorID, Action: ev.Action}
	switch {
	case ev.Action == "create":
		st.known, st.restarts = true, 0
	case ev.Action == "destroy":
		delete(r.containers, ev.ActorID)
	case ev.Action == "kill":
		st.killed = true
	case ev.Action == "oom":
		st.oom = true
		r.recordOOM(ctx, rec)
	case ev.Action == "die":
		r.die(ctx, st, rec, ev.Attributes["exitCode"])
	case ev.Action == "start":
		r.start(ctx, st, rec)
	case ev.Action == "restart", strings.HasPrefix(ev.Action, "health_status"):
		r.record(ctx, rec)
	}
}

// die records an exit, and an OOM kill the daemon sent no oom event for.
func (r *recorder) die(ctx context.Context, st *containerState, rec store.EventRecord, exitCode string) {
	rec.ExitCode, _ = strconv.Atoi(exitCode)
	if st.killed {
		rec.Action = "stop"
	}
	st.died = true
	r.record(ctx, rec)
	if st.oom || st.killed || rec.ExitCode != 137 {
		return
	}
	c, err := r.e.ContainerInspect(ctx, rec.Container)
	if err != nil {
		r.failed("inspect container after exit 137", rec, err)
		return
	}
	if c.State.OOMKilled {
		st.oom = true
		rec.Action, rec.ExitCode, rec.OOMKilled, rec.MemoryLimit = "oom", 0, true, c.MemoryLimit
		r.record(ctx, rec)
	}
}

// recordOOM records an OOM kill with the container's memory limit.
func (r *recorder) recordOOM(ctx context.Context, rec store.EventRecord) {
	rec.OOMKilled = true
	c, err := r.e.ContainerInspect(ctx, rec.Container)
	if err != nil {
		r.failed("inspect OOM-killed container", rec, err)
	} else {
		rec.MemoryLimit = c.MemoryLimit
	}
	r.record(ctx, rec)
}

// start tells the engine's restarts from requested starts. An engine
// restart is a start that follows a death nobody asked for (no kill or
// stop request since the previous start) and that the container's
// RestartCount confirms: only the restart policy increments it, and a
// requested start resets it to 0 on the Docker daemon. restarts counts
// the engine restarts accounted for, so each start event is at most one.
func (r *recorder) start(ctx context.Context, st *containerState, rec store.EventRecord) {
	crashed := st.died && !st.killed
	st.died, st.killed, st.oom = false, false, false
	c, err := r.e.ContainerInspect(ctx, rec.Container)
	if err != nil {
		r.failed("inspect started container", rec, err)
		return
	}
	n := c.RestartCount
	engineRestart := false
	switch {
	case !st.known: // first sight of a container made before we watched
		engineRestart, st.restarts = crashed && n > 0, n
	default:
		if n < st.restarts { // reset by a requested start
			st.restarts = 0
		}
		if crashed && n > st.restarts {
			engineRestart = true
			st.restarts++
		}
	}
	st.known = true
	if !engineRestart {
		return
	}
	rec.Action = "restart"
	r.record(ctx, rec)
	err = r.db.RecordRestart(ctx, store.RestartRecord{Time: rec.Time, EnvID: rec.EnvID, Service: rec.Service,
		Kind: store.RestartEngine, Reason: fmt.Sprintf("engine restart policy %q (restart count %d)", c.Restart.Name, n)})
	if err != nil {
		r.failed("record engine restart", rec, err)
	}
}

func (r *recorder) record(ctx context.Context, rec store.EventRecord) {
	if err := r.db.RecordEvent(ctx, rec); err != nil {
		r.failed("record event", rec, err)
	}
}

// failed logs a failure to handle one event; a context's end is not one.
func (r *recorder) failed(what string, rec store.EventRecord, err error) {
	if canceled(err) {
		return
	}
	r.log.Warn("watch: "+what, "env", rec.EnvID, "service", rec.Service, "container", rec.Container,
		"action", rec.Action, "err", err)
}

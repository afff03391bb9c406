package revive_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/clock"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/revive"
	"github.com/berth-dev/berth/internal/store"
)

// stubStore keeps restart records; it has no environment records.
type stubStore struct{ restarts []store.RestartRecord }

func (s *stubStore) Env(context.Context, string) (store.Env, error) {
	return store.Env{}, store.ErrNotFound
}
func (s *stubStore) PutEnv(context.Context, store.Env) error { return nil }
func (s *stubStore) RecordRestart(_ context.Context, r store.RestartRecord) error {
	s.restarts = append(s.restarts, r)
	return nil
}

// locks says whether each environment's lock is free.
type locks map[string]bool

func (l locks) TryAcquire(name string) (func() error, bool, error) {
	return func() error { return nil }, l[name], nil
}

// sweepRig is two environments of one service each, running on the
// fake engine, and a Reviver over them.
func sweepRig(t *testing.T) (*fake.Engine, *clock.Fake, *revive.Reviver, *stubStore) {
	clk := clock.NewFake(time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC))
	e := fake.New(fake.WithClock(clk.Now))
	ctx := t.Context()
	if err := e.ImageImport(ctx, bytes.NewReader(nil), "img", nil); err != nil {
		t.Fatal(err)
	}
	for _, env := range []string{"busy", "free"} {
		id, err := e.ContainerCreate(ctx, engine.ContainerSpec{Name: env + "-web-1", Image: "img",
			Labels: map[string]string{labels.Env: env, labels.ComposeService: "web", labels.DependsOn: ""}})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.ContainerStart(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	st := &stubStore{}
	return e, clk, &revive.Reviver{Engine: e, Store: st, Clock: clk, Log: slog.New(slog.DiscardHandler),
		Vars: func(lifecycle.EnvStatus) map[string]string { return nil }}, st
}

// Sweep revives what a daemon restart stopped, leaves an environment
// whose lock is held to its holder, and does nothing where the daemon
// did not restart.
func TestSweep(t *testing.T) {
	e, clk, r, st := sweepRig(t)
	ctx := t.Context()
	l := locks{lock("busy"): false, lock("free"): true}

	got, err := r.Sweep(ctx, []string{"busy", "free"}, l)
	if err != nil || len(got) != 0 {
		t.Fatalf("nothing stopped: Sweep = %v, %v; want nothing", got, err)
	}

	e.StopDaemon()
	clk.Advance(10 * time.Second)
	e.StartDaemon(true)
	got, err = r.Sweep(ctx, []string{"busy", "free"}, l)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].EnvID != "free" || got[0].Err != nil || len(got[0].Services) != 1 {
		t.Fatalf("Sweep = %+v; want free revived", got)
	}
	if s := state(t, e, "free"); s != "running" {
		t.Errorf("free is %s, want running", s)
	}
	if s := state(t, e, "busy"); s != "exited" {
		t.Errorf("busy is %s, want exited: its lock holder decides", s)
	}
	if len(st.restarts) != 1 || st.restarts[0].Kind != store.RestartRevived || st.restarts[0].EnvID != "free" {
		t.Errorf("records = %+v; want one revived record of free", st.restarts)
	}
}

func lock(env string) string { return "env-" + env }

func state(t *testing.T, e *fake.Engine, env string) string {
	t.Helper()
	c, err := e.ContainerInspect(t.Context(), env+"-web-1")
	if err != nil {
		t.Fatal(err)
	}
	return c.State.Status
}

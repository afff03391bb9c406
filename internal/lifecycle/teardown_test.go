package lifecycle_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/failure"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/plan"
)

// chain is three services in three dependency levels: c -> b -> a.
func chain() []compose.Service {
	return []compose.Service{
		svc("a", nil),
		svc("b", map[string]compose.Condition{"a": compose.ServiceStarted}),
		svc("c", map[string]compose.Condition{"b": compose.ServiceStarted}),
	}
}

func TestTeardownStopsEveryLevelAtOnce(t *testing.T) {
	e := newFake(t)
	p := planOf(t, "env-down", chain()...)
	require.Len(t, p.Levels, 3)
	require.NoError(t, lifecycle.Up(t.Context(), e, p, lifecycle.UpOptions{}))

	block := e.Block(engine.OpContainerStop)
	type out struct {
		res lifecycle.TeardownResult
		err error
	}
	done := make(chan out, 1)
	go func() {
		res, err := lifecycle.Teardown(t.Context(), e, "env-down", lifecycle.TeardownOptions{})
		done <- out{res, err}
	}()
	// The three containers, one per level, are all being stopped at once.
	require.NoError(t, block.WaitHeld(t.Context(), 3))
	block.Release()
	got := <-done
	require.NoError(t, got.err)
	require.Len(t, got.res.Containers, 3)
	for _, r := range got.res.Containers {
		assert.True(t, r.WasRunning && r.Removed, "%+v", r)
	}
	assert.Equal(t, 1, got.res.Networks)
	assert.Equal(t, 1, got.res.Volumes)
	requireEnvGone(t, e, "env-down")

	again, err := lifecycle.Teardown(t.Context(), e, "env-down", lifecycle.TeardownOptions{})
	require.NoError(t, err, "idempotent")
	assert.Empty(t, again.Containers)
}

func TestTeardownUsesEachGracePeriod(t *testing.T) {
	var slept []time.Duration
	sleeps := make(chan time.Duration, 8)
	e := newFake(t, fakeSleep(sleeps))
	svcs := chain()
	for i := range svcs {
		svcs[i].Environment = []string{"TESTSVC_IGNORE_SIGTERM=1"}
		svcs[i].StopGrace = time.Duration(i+1) * time.Second
	}
	p := planOf(t, "env-grace", svcs...)
	require.NoError(t, lifecycle.Up(t.Context(), e, p, lifecycle.UpOptions{}))
	res, err := lifecycle.Teardown(t.Context(), e, "env-grace", lifecycle.TeardownOptions{})
	require.NoError(t, err)
	close(sleeps)
	for d := range sleeps {
		slept = append(slept, d)
	}
	assert.ElementsMatch(t, []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}, slept)
	for _, r := range res.Containers {
		assert.True(t, r.Killed, "%s ignored SIGTERM and was killed after its grace", r.Name)
	}
	requireEnvGone(t, e, "env-grace")
}

func TestTeardownReportsContainerThatWillNotStop(t *testing.T) {
	e := newFake(t)
	p := planOf(t, "env-stuck", svc("a", nil))
	require.NoError(t, lifecycle.Up(t.Context(), e, p, lifecycle.UpOptions{}))
	e.FailNext(engine.OpContainerStop, engine.ErrTransient)

	_, err := lifecycle.Teardown(t.Context(), e, "env-stuck",
		lifecycle.TeardownOptions{Stop: lifecycle.StopOptions{Grace: time.Millisecond, Margin: 50 * time.Millisecond}})
	var ns *lifecycle.NotStoppedError
	require.ErrorAs(t, err, &ns)
	assert.Equal(t, "env-stuck-a-1", ns.Name)
	var inUse *lifecycle.NetworkInUseError
	assert.ErrorAs(t, err, &inUse, "its network is left")
	assert.Contains(t, err.Error(), "keep their networks and volumes")
	assert.True(t, hasContainer(t, e, "env-stuck", "a"), "never force-removed")

	// Once it stops, a second teardown finishes the job.
	_, err = lifecycle.Teardown(t.Context(), e, "env-stuck", lifecycle.TeardownOptions{})
	require.NoError(t, err)
	requireEnvGone(t, e, "env-stuck")
}

func TestTeardownEmptyID(t *testing.T) {
	_, err := lifecycle.Teardown(t.Context(), newFake(t), "", lifecycle.TeardownOptions{})
	require.Error(t, err)
}

func TestTeardownListFailure(t *testing.T) {
	e := newFake(t)
	e.FailNext(engine.OpContainerList, engine.ErrUnavailable)
	_, err := lifecycle.Teardown(t.Context(), e, "env-x", lifecycle.TeardownOptions{})
	assert.True(t, errors.Is(err, engine.ErrUnavailable), "%v", err)
}

// TestTeardownLeavesAnotherStatesResources: a teardown by one state leaves
// the containers, networks and volumes another state stamped with the same
// environment ID alone, and says so with a ForeignError.
func TestTeardownLeavesAnotherStatesResources(t *testing.T) {
	e := newFake(t)
	theirs := labels.Identity{Path: "bbbbbbbbbbbb", ID: "222222222222222222222222"}
	p := planOf(t, "env-theirs", chain()...)
	for k, v := range theirs.Stamp() {
		p.Stamp(k, v)
	}
	require.NoError(t, lifecycle.Up(t.Context(), e, p, lifecycle.UpOptions{}))

	mine := labels.Identity{Path: "aaaaaaaaaaaa", ID: "111111111111111111111111"}
	res, err := lifecycle.Teardown(t.Context(), e, "env-theirs", lifecycle.TeardownOptions{State: &mine})
	var foreign *failure.ForeignError
	require.True(t, errors.As(err, &foreign), "%v", err)
	assert.Contains(t, err.Error(), "dev.berth.state=bbbbbbbbbbbb")
	assert.Empty(t, res.Containers, "none stopped")
	assert.Zero(t, res.Networks)
	assert.Zero(t, res.Volumes)
	assert.Len(t, res.Foreign, 5, "three containers, a network and a volume left alone: %v", res.Foreign)
	cs, err := e.ContainerList(t.Context(), engine.ListFilter{Labels: map[string]string{labels.Env: "env-theirs"}})
	require.NoError(t, err)
	assert.Len(t, cs, 3, "still running")

	_, err = lifecycle.Teardown(t.Context(), e, "env-theirs", lifecycle.TeardownOptions{State: &theirs})
	require.NoError(t, err, "its own state takes it down")
	requireEnvGone(t, e, "env-theirs")
}

// TestUpDoesNotReuseAnotherStatesResources: an environment of the same ID
// that another state made is not taken over by up (its network, volume or
// containers of the same names), and the failed up's own teardown leaves
// them alone.
func TestUpDoesNotReuseAnotherStatesResources(t *testing.T) {
	e := newFake(t)
	stamped := func(id labels.Identity) *plan.Plan {
		p := planOf(t, "env-same", svc("a", nil))
		for k, v := range id.Stamp() {
			p.Stamp(k, v)
		}
		return p
	}
	theirs := labels.Identity{Path: "bbbbbbbbbbbb", ID: "222222222222222222222222"}
	require.NoError(t, lifecycle.Up(t.Context(), e, stamped(theirs), lifecycle.UpOptions{}))

	mine := labels.Identity{Path: "aaaaaaaaaaaa", ID: "111111111111111111111111"}
	err := lifecycle.Up(t.Context(), e, stamped(mine), lifecycle.UpOptions{})
	require.ErrorIs(t, err, lifecycle.ErrNotOwned)
	assert.Contains(t, err.Error(), "made by another berth state directory (dev.berth.state=bbbbbbbbbbbb")
	cs, err := e.ContainerList(t.Context(), engine.ListFilter{Labels: map[string]string{labels.Env: "env-same"}})
	require.NoError(t, err)
	require.Len(t, cs, 1, "theirs still runs")
	assert.Equal(t, theirs.Path, cs[0].Labels[labels.State])
}

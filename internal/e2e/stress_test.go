package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
)

// stressReport is the part of `berth stress --json` these tests read.
type stressReport struct {
	Runners    int    `json:"runners"`
	Cycles     int    `json:"cycles"`
	Mode       string `json:"mode"`
	Tool       string `json:"tool"`
	RunsPassed int    `json:"runs_passed"`
	RunsFailed int    `json:"runs_failed"`
	Failures   []struct {
		ExitCode int    `json:"exit_code"`
		Message  string `json:"message"`
	} `json:"failures"`
	EnvironmentsCreated  int                       `json:"environments_created"`
	ContainersCreated    int                       `json:"containers_created"`
	Creates              map[string]map[string]int `json:"creates"`
	PeakMutatingCalls    *int                      `json:"peak_mutating_calls"`
	PeakSlotCalls        *int                      `json:"peak_slot_calls"`
	SlotLimit            int                       `json:"slot_limit"`
	DockerCallsPerRunner *float64                  `json:"docker_calls_per_runner"`
	Ping                 map[string]float64        `json:"ping_ms"`
	Leftovers            int                       `json:"leftovers"`
	WallMS               int64                     `json:"wall_ms"`
	Violations           []string                  `json:"violations"`
	Naive                *stressReport             `json:"naive"`
}

func (w *world) stress(args ...string) (stressReport, result) {
	w.t.Helper()
	r := w.run(append([]string{"stress", "-p", w.project, "--json"}, args...)...)
	var rep stressReport
	require.NoError(w.t, json.Unmarshal([]byte(r.stdout), &rep), "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	w.t.Logf("stress %v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
	return rep, r
}

// Four real berth processes, two cycles each, on one shared stack: every
// run passes, the stack is created once (its one service once), 0
// leftovers; then three dedicated runners get a copy each.
func TestStressSharedAndDedicated(t *testing.T) {
	w := newWorld(t)
	rep, r := w.stress("--runners", "4", "--cycles", "2", "-f", testdata("small.yaml"))
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "shared", rep.Mode)
	assert.Equal(t, 8, rep.RunsPassed)
	assert.Zero(t, rep.RunsFailed)
	assert.Equal(t, 1, rep.EnvironmentsCreated)
	assert.Equal(t, 1, rep.ContainersCreated)
	require.Len(t, rep.Creates, 1)
	for env, svcs := range rep.Creates {
		assert.True(t, strings.HasPrefix(env, w.project+"-stress-"), env)
		assert.Equal(t, map[string]int{"web": 1}, svcs)
	}
	assert.Zero(t, rep.Leftovers)
	require.NotNil(t, rep.PeakMutatingCalls)
	assert.GreaterOrEqual(t, *rep.PeakMutatingCalls, 1)
	require.NotNil(t, rep.PeakSlotCalls)
	assert.Equal(t, config.DefaultGate().MaxConcurrentOps, rep.SlotLimit, "the ceiling of the adaptive limit, BERTH_MAX_CONCURRENT_OPS")
	assert.LessOrEqual(t, *rep.PeakSlotCalls, rep.SlotLimit)
	require.NotNil(t, rep.DockerCallsPerRunner)
	assert.Greater(t, *rep.DockerCallsPerRunner, 0.0)
	assert.Greater(t, rep.Ping["max"], 0.0)
	assert.Positive(t, rep.WallMS)
	assert.Empty(t, rep.Violations)
	assert.Nil(t, rep.Naive)

	rep, r = w.stress("--runners", "3", "--dedicated", "-f", testdata("small.yaml"))
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "dedicated", rep.Mode)
	assert.Equal(t, 3, rep.RunsPassed)
	assert.Equal(t, 3, rep.EnvironmentsCreated)
	assert.Equal(t, 3, rep.ContainersCreated)
	require.NotNil(t, rep.PeakSlotCalls)
	assert.LessOrEqual(t, *rep.PeakSlotCalls, rep.SlotLimit)
	assert.Zero(t, rep.Leftovers)
	assert.Empty(t, w.leftovers(context.Background()))
}

// A stack whose service never turns healthy violates "every run passes":
// exit 1, with each failure's exit code (3, not ready) and message.
func TestStressReportsFailedRuns(t *testing.T) {
	w := newWorld(t)
	w.env = append(w.env, "BERTH_WAIT_TIMEOUT=30s")
	rep, r := w.stress("--runners", "2", "-f", testdata("stress-unhealthy.yaml"))
	assert.Equal(t, 1, r.code)
	assert.Equal(t, 2, rep.RunsFailed)
	assert.Zero(t, rep.RunsPassed)
	require.Len(t, rep.Failures, 2)
	for _, f := range rep.Failures {
		assert.Equal(t, 3, f.ExitCode, f.Message)
		assert.Contains(t, f.Message, "web")
	}
	assert.Contains(t, rep.Violations, "2 of 2 runs failed")
}

// --compare-naive runs the same load with compose alone after berth's and
// prints both; whatever the naive load leaves is cleaned up.
func TestStressComparesNaive(t *testing.T) {
	w := newWorld(t)
	rep, r := w.stress("--runners", "2", "--compare-naive", "-f", testdata("small.yaml"))
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, 2, rep.RunsPassed)
	require.NotNil(t, rep.Naive)
	n := rep.Naive
	assert.Equal(t, 2, n.Runners)
	assert.Equal(t, "shared", n.Mode)
	assert.Contains(t, n.Tool, "compose")
	assert.Equal(t, 2, n.RunsPassed+n.RunsFailed)
	assert.Nil(t, n.PeakMutatingCalls, "the naive load makes no gated calls")
	assert.Positive(t, n.WallMS)
	for _, f := range n.Failures {
		assert.NotEmpty(t, f.Message)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	naive := func(l map[string]string) bool {
		return strings.HasPrefix(l[labels.ComposeProject], w.project+"-naive-")
	}
	f := engine.ListFilter{All: true, Labels: map[string]string{labels.ComposeProject: ""}}
	cs, err := w.e.ContainerList(ctx, f)
	require.NoError(t, err)
	for _, c := range cs {
		assert.False(t, naive(c.Labels), "naive container left: %s", c.Name)
	}
	ns, err := w.e.NetworkList(ctx, f)
	require.NoError(t, err)
	for _, nw := range ns {
		assert.False(t, naive(nw.Labels), "naive network left: %s", nw.Name)
	}
}

package stress

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The --json keys are a contract: scripts read them.
func TestReportJSONShape(t *testing.T) {
	peak, per := 4, 12.5
	r := clean(ModeShared, 2, 1, map[string]map[string]int{"p-1": {"web": 1}})
	r.PeakMutatingCalls, r.PeakSlotCalls, r.DockerCallsPerRunner, r.SlotLimit = &peak, &peak, &per, 4
	r.Violations = Evaluate(r, []string{"web"})
	naive := clean(ModeShared, 2, 1, nil)
	r.Naive = &naive
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(b, &got))
	keys := []string{"runners", "cycles", "mode", "tool", "runs_passed", "runs_failed", "failures",
		"environments_created", "containers_created", "creates", "peak_mutating_calls", "peak_slot_calls", "slot_limit",
		"docker_calls_per_runner", "ping_ms", "peak_memory_limits_bytes", "daemon_memory_bytes", "leftovers", "leftover_resources", "wall_ms", "violations", "naive"}
	assert.ElementsMatch(t, keys, slices.Collect(maps.Keys(got)))
	assert.ElementsMatch(t, []string{"p50", "p95", "max"}, slices.Collect(maps.Keys(got["ping_ms"].(map[string]any))))
	assert.Equal(t, 4.0, got["peak_mutating_calls"])
	assert.Equal(t, []any{}, got["violations"])
	n := got["naive"].(map[string]any)
	assert.Nil(t, n["peak_mutating_calls"], "not measurable without the gate: null")
	assert.Nil(t, n["docker_calls_per_runner"])
	assert.Nil(t, n["peak_slot_calls"])
	_, nested := n["naive"]
	assert.False(t, nested)
}

func TestWriteTextSideBySide(t *testing.T) {
	r := clean(ModeShared, 2, 1, map[string]map[string]int{"p-1": {"web": 1}})
	r.Tool = "berth"
	naive := Report{Runners: 2, Cycles: 1, Mode: ModeShared, Tool: "docker-compose", RunsPassed: 1,
		Failures: []Failure{{Runner: 1, Cycle: 1, ExitCode: 1, Message: "network is ambiguous\nsecond line"}},
		Creates:  map[string]map[string]int{"p": {"web": 2}}}
	naive.Summarize()
	r.Naive = &naive
	r.Violations = []string{"1 resources left behind"}
	var b bytes.Buffer
	r.WriteText(&b)
	out := b.String()
	assert.Contains(t, out, "runs passed / failed       2 / 0")
	assert.Contains(t, out, "1 / 1")
	assert.Contains(t, out, "docker-compose: runner 1 cycle 1 failed (exit 1): network is ambiguous [...]\n")
	assert.NotContains(t, out, "second line", "the text report shows a failure's first line; --json has it whole")
	assert.Contains(t, out, "docker-compose: p/web created 2 times")
	assert.Contains(t, out, "invariants violated:\n  - 1 resources left behind")
}

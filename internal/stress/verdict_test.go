package stress

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func clean(mode string, runners, cycles int, creates map[string]map[string]int) Report {
	r := Report{Runners: runners, Cycles: cycles, Mode: mode, Creates: creates, RunsPassed: runners * cycles}
	r.Summarize()
	return r
}

func TestEvaluateCleanRuns(t *testing.T) {
	shared := clean(ModeShared, 4, 2, map[string]map[string]int{"p-1": {"web": 1, "db": 1}})
	assert.Equal(t, 8, shared.RunsPassed)
	assert.Equal(t, 1, shared.EnvironmentsCreated)
	assert.Equal(t, 2, shared.ContainersCreated)
	assert.Empty(t, Evaluate(shared, []string{"db", "web"}))

	ded := clean(ModeDedicated, 3, 1, map[string]map[string]int{"p-a": {"web": 1}, "p-b": {"web": 1}, "p-c": {"web": 1}})
	assert.Equal(t, 3, ded.EnvironmentsCreated)
	assert.Empty(t, Evaluate(ded, []string{"web"}))
}

func TestEvaluateViolations(t *testing.T) {
	cases := []struct {
		name string
		r    func() Report
		want []string
	}{
		{"a failed run", func() Report {
			r := Report{Runners: 2, Cycles: 1, Mode: ModeShared, Creates: map[string]map[string]int{"p-1": {"web": 1}},
				RunsPassed: 1, Failures: []Failure{{Runner: 2, Cycle: 1, ExitCode: 3, Message: "not ready"}}}
			r.Summarize()
			return r
		}, []string{"1 of 2 runs failed"}},
		{"a service created twice", func() Report {
			return clean(ModeShared, 2, 1, map[string]map[string]int{"p-1": {"web": 2}})
		}, []string{"service web of environment p-1 was created 2 times, want once", "2 environments created, want 1 (shared mode)"}},
		{"a service never created", func() Report {
			return clean(ModeShared, 1, 1, map[string]map[string]int{"p-1": {"web": 1}})
		}, []string{"service db of environment p-1 was created 0 times, want once"}},
		{"two shared environments", func() Report {
			return clean(ModeShared, 2, 1, map[string]map[string]int{"p-1": {"web": 1}, "p-2": {"web": 1}})
		}, []string{"2 environments created, want 1 (shared mode)"}},
		{"dedicated copies missing", func() Report {
			return clean(ModeDedicated, 3, 2, map[string]map[string]int{"p-1": {"web": 1}})
		}, []string{"1 environments created, want 6 (dedicated mode)"}},
		{"runs unaccounted for", func() Report {
			r := clean(ModeShared, 3, 1, map[string]map[string]int{"p-1": {"web": 1}})
			r.RunsPassed = 2 // a runner that never reported
			return r
		}, []string{"2 runs accounted for, want 3"}},
		{"more calls in slots than slots", func() Report {
			r := clean(ModeShared, 1, 1, map[string]map[string]int{"p-1": {"web": 1}})
			five := 5
			r.PeakSlotCalls, r.SlotLimit = &five, 4
			return r
		}, []string{"5 slot-holding calls at the daemon at once, above the limit of 4"}},
		{"memory limits above the daemon's", func() Report {
			r := clean(ModeDedicated, 1, 1, map[string]map[string]int{"p-1": {"web": 1}})
			r.PeakMemoryLimitsBytes, r.DaemonMemoryBytes = 25<<30, 24<<30
			return r
		}, []string{"the running containers' memory limits reached 25600 MiB at once, above the daemon's 24576 MiB"}},
		{"leftovers", func() Report {
			r := Report{Runners: 1, Cycles: 1, Mode: ModeShared, Creates: map[string]map[string]int{"p-1": {"web": 1}},
				RunsPassed: 1, LeftoverResources: []string{"network p-1_default abc"}}
			r.Summarize()
			return r
		}, []string{"1 resources left behind"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			services := []string{"web"}
			if c.name == "a service never created" {
				services = []string{"db", "web"}
			}
			assert.Equal(t, c.want, Evaluate(c.r(), services))
		})
	}
}

func TestSummarizeCountsAnEnvironmentCreatedTwiceUnderOneID(t *testing.T) {
	r := clean(ModeShared, 2, 2, map[string]map[string]int{"p-1": {"web": 2, "db": 2}})
	assert.Equal(t, 2, r.EnvironmentsCreated)
	assert.Equal(t, 4, r.ContainersCreated)
	assert.NotNil(t, r.Failures)
	assert.NotNil(t, r.LeftoverResources)
}

package plan_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/plan"
)

// The probe is the health check's test as the engine runs it: CMD's
// arguments, CMD-SHELL through /bin/sh -c; nothing for NONE, for an
// image's own check, for a job, or with x-berth.readiness: engine.
func TestProbeCommand(t *testing.T) {
	hc := func(test ...string) *engine.Healthcheck { return &engine.Healthcheck{Test: test} }
	tests := []struct {
		name      string
		hc        *engine.Healthcheck
		readiness compose.Readiness
		job       bool
		want      []string
	}{
		{name: "CMD", hc: hc("CMD", "/testsvc", "probe"), want: []string{"/testsvc", "probe"}},
		{name: "CMD-SHELL", hc: hc("CMD-SHELL", "pg_isready -U app || exit 1"), want: []string{"/bin/sh", "-c", "pg_isready -U app || exit 1"}},
		{name: "probe said", hc: hc("CMD", "true"), readiness: compose.ReadinessProbe, want: []string{"true"}},
		{name: "NONE", hc: hc("NONE")},
		{name: "no test: the image's", hc: &engine.Healthcheck{Interval: 1}},
		{name: "no health check"},
		{name: "engine", hc: hc("CMD", "true"), readiness: compose.ReadinessEngine},
		{name: "job", hc: hc("CMD", "true"), job: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &compose.Project{Name: "p", Berth: compose.XBerth{Readiness: tt.readiness},
				Services: []compose.Service{{Name: "svc", Image: "img", Healthcheck: tt.hc}}}
			if tt.job {
				p.Services = append(p.Services, compose.Service{Name: "after", Image: "img",
					DependsOn: map[string]compose.Condition{"svc": compose.ServiceCompletedSuccessfully}})
			}
			pl, err := plan.Build(p, ident(plan.ModeShared), now)
			require.NoError(t, err)
			assert.Equal(t, tt.want, pl.Services["svc"].Probe)
			assert.Equal(t, tt.job, pl.Services["svc"].Job)
		})
	}
}

package plan_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/plan"
)

func TestEngineRestartMapping(t *testing.T) {
	onFailure := func(n int) engine.RestartPolicy {
		return engine.RestartPolicy{Name: "on-failure", MaximumRetryCount: n}
	}
	for _, tc := range []struct {
		name   string
		in     engine.RestartPolicy
		budget int
		want   engine.RestartPolicy
	}{
		{"always", engine.RestartPolicy{Name: "always"}, 3, onFailure(3)},
		{"unless-stopped", engine.RestartPolicy{Name: "unless-stopped"}, 5, onFailure(5)},
		{"on-failure unlimited", engine.RestartPolicy{Name: "on-failure"}, 3, onFailure(3)},
		{"on-failure below budget kept", onFailure(2), 3, onFailure(2)},
		{"on-failure above budget capped", onFailure(10), 3, onFailure(3)},
		{"no", engine.RestartPolicy{Name: "no"}, 3, engine.RestartPolicy{Name: "no"}},
		{"unset", engine.RestartPolicy{}, 3, engine.RestartPolicy{}},
		{"default budget", engine.RestartPolicy{Name: "always"}, 0, onFailure(plan.DefaultRestartBudget)},
		{"negative budget is the default", onFailure(9), -1, onFailure(plan.DefaultRestartBudget)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, plan.EngineRestart(tc.in, tc.budget))
		})
	}
}

// TestBuildCapsEngineRestarts: the container specs carry the mapped
// policy with the identity's budget.
func TestBuildCapsEngineRestarts(t *testing.T) {
	p := &compose.Project{Name: "r", Hash: "0123456789abcdef", Services: []compose.Service{
		{Name: "crashy", Image: "x", Restart: engine.RestartPolicy{Name: "always"}},
		{Name: "careful", Image: "x", Restart: engine.RestartPolicy{Name: "on-failure", MaximumRetryCount: 1}},
		{Name: "plain", Image: "x"},
	}}
	id := ident(plan.ModeShared)
	id.RestartBudget = 2
	pl, err := plan.Build(p, id, now)
	require.NoError(t, err)
	assert.Equal(t, engine.RestartPolicy{Name: "on-failure", MaximumRetryCount: 2}, pl.Services["crashy"].Spec.Restart)
	assert.Equal(t, engine.RestartPolicy{Name: "on-failure", MaximumRetryCount: 1}, pl.Services["careful"].Spec.Restart)
	assert.Equal(t, engine.RestartPolicy{}, pl.Services["plain"].Spec.Restart)

	pl, err = plan.Build(p, ident(plan.ModeShared), now)
	require.NoError(t, err)
	assert.Equal(t, engine.RestartPolicy{Name: "on-failure", MaximumRetryCount: 3}, pl.Services["crashy"].Spec.Restart,
		"no budget in the identity: the default")
}

package berth

import (
	"context"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/policy"
)

// restartPolicy decides the restart limits: the environment variables
// (BERTH_RESTART_COOLDOWN, BERTH_MAX_RESTART_ATTEMPTS, BERTH_RESTART_WINDOW
// and their DOCKER_* aliases), then x-berth.restart (xb, nil when no
// compose file is loaded), then the defaults. A bad variable is a
// *config.SettingError naming it.
func (m *Manager) restartPolicy(xb *compose.XRestart) (policy.RestartPolicy, error) {
	env, err := config.RestartFromEnv(m.getenv)
	if err != nil {
		return policy.RestartPolicy{}, err
	}
	var x compose.XRestart
	if xb != nil {
		x = *xb
	}
	def := policy.DefaultRestartPolicy()
	return policy.RestartPolicy{
		Cooldown:    pick(nil, env.Cooldown, x.Cooldown, def.Cooldown),
		MaxAttempts: pick(nil, env.MaxAttempts, x.MaxAttempts, def.MaxAttempts),
		Window:      pick(nil, env.Window, x.Window, def.Window),
	}, nil
}

// resolveShared resolves o as its shared environment, whatever o and the
// environment say about dedicated copies (for commands that name an
// existing environment by its compose files).
func (m *Manager) resolveShared(ctx context.Context, o Options) (*resolved, error) {
	shared := false
	o.Dedicated = &shared
	return m.resolve(ctx, o)
}

package resolve

import (
	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/policy"
)

// RestartPolicy decides the restart limits: the environment variables
// (BERTH_RESTART_COOLDOWN, BERTH_MAX_RESTART_ATTEMPTS, BERTH_RESTART_WINDOW
// and their DOCKER_* aliases), then x-berth.restart (xb, nil when no
// compose file is loaded), then the defaults. A bad variable is a
// *config.SettingError naming it.
func (r Resolver) RestartPolicy(xb *compose.XRestart) (policy.RestartPolicy, error) {
	env, err := config.RestartFromEnv(r.Getenv)
	if err != nil {
		return policy.RestartPolicy{}, err
	}
	var x compose.XRestart
	if xb != nil {
		x = *xb
	}
	def := policy.DefaultRestartPolicy()
	return policy.RestartPolicy{
		Cooldown:       Pick(nil, env.Cooldown, x.Cooldown, def.Cooldown),
		MaxAttempts:    Pick(nil, env.MaxAttempts, x.MaxAttempts, def.MaxAttempts),
		Window:         Pick(nil, env.Window, x.Window, def.Window),
		BreakerOpenFor: Pick(nil, env.BreakerOpenFor, x.BreakerOpenFor, def.BreakerOpenFor),
	}, nil
}

package plan

import "github.com/berth-dev/berth/internal/engine"

// DefaultRestartBudget is the engine's attempt budget when
// [Identity.RestartBudget] is not set: the restart limiter's default
// attempts per window.
const DefaultRestartBudget = 3

// EngineRestart maps a compose restart policy to the one berth gives the
// engine, so that a crashing container cannot make the engine restart it
// without end. budget is the attempt budget N (<= 0 means
// [DefaultRestartBudget]):
//
//	always, unless-stopped, on-failure    -> on-failure:N
//	on-failure:M (M > 0)                  -> on-failure:min(M, N)
//	no, ""                                -> unchanged (never restarted)
//
// on-failure:0 is the engine's "no limit" and maps like on-failure. The
// engine counts these attempts from the container's last start by
// request (berth up, berth restart), so every start gets the budget anew.
// Unlike always, on-failure does not restart a container that exited 0.
func EngineRestart(p engine.RestartPolicy, budget int) engine.RestartPolicy {
	if budget <= 0 {
		budget = DefaultRestartBudget
	}
	switch p.Name {
	case "always", "unless-stopped":
		return engine.RestartPolicy{Name: "on-failure", MaximumRetryCount: budget}
	case "on-failure":
		n := budget
		if p.MaximumRetryCount > 0 {
			n = min(p.MaximumRetryCount, budget)
		}
		return engine.RestartPolicy{Name: "on-failure", MaximumRetryCount: n}
	}
	return p
}

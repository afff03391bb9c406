package acquire

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/resolve"
	"github.com/berth-dev/berth/internal/revive"
)

// reviveLocked starts again, in place, environment r when a daemon
// restart stopped it ([revive.Decide]), and returns its status then; an
// environment not stopped that way is returned as found (st). A revival
// that fails is logged and the environment's status then returned, for
// the normal rules to judge. The acquirer is told on o.Progress what was
// started again and which endpoints changed. The caller holds the
// environment's lock.
func (a *Acquirer) reviveLocked(ctx context.Context, r *resolve.Env, st lifecycle.EnvStatus, o Options) (lifecycle.EnvStatus, error) {
	if a.Reviver == nil || !slices.ContainsFunc(st.Services, func(s lifecycle.ServiceStatus) bool { return s.State == "exited" }) {
		return st, nil // only an exited container can be one a daemon restart stopped
	}
	boot, err := revive.Observe(ctx, a.Engine, a.Clock.Now())
	if err != nil {
		a.Log.Warn("could not tell whether the daemon restarted", "env", r.ID(), "err", err)
		return st, nil
	}
	v := revive.Decide(st, r.Plan.Services, boot)
	if !v.Revive {
		a.Log.Debug("not stopped by a daemon restart", "env", r.ID(), "why", v.Why)
		return st, nil
	}
	rv := *a.Reviver
	rv.WaitTimeout = r.WaitTimeout
	res, err := rv.ReviveLocked(ctx, r.ID(), r.Plan.Services, r.Plan.Levels, v)
	tell(o.Progress, res, err)
	if err != nil {
		a.Log.Warn("environment stopped by a daemon restart did not come back", "env", r.ID(), "err", err)
	}
	return lifecycle.Status(ctx, a.Engine, r.ID())
}

// tell writes what a revival did to w (nil: nowhere).
func tell(w io.Writer, res revive.Result, err error) {
	if w == nil {
		return
	}
	if len(res.Services) > 0 {
		fmt.Fprintf(w, "berth: %s was stopped by a daemon restart; started again: %s\n", res.EnvID, strings.Join(res.Services, ", "))
	}
	for _, c := range res.Changed {
		fmt.Fprintf(w, "berth: %s changed: %s (was %s)\n", c.Var, c.New, c.Old)
	}
	if err != nil {
		fmt.Fprintf(w, "berth: %v\n", err)
	}
}

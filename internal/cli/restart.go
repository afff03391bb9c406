package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth"
)

type restartFlags struct {
	projectFlags
	env   string
	force bool
	json  bool
}

func newRestart(s Streams) *cobra.Command {
	var f restartFlags
	cmd := &cobra.Command{
		Use:   "restart SERVICE [-f FILE]... [-p NAME] [--env NAME] [--force] [--json]",
		Short: "Restart a service that is not healthy, within the restart limits",
		Long: `restart restarts one service of an environment in place: a graceful stop
(its stop signal, its grace period, then kill), a start, and a wait until it
is healthy. A healthy service is left alone ("healthy; nothing to do")
unless --force is given. The decision is taken under the environment's
lock, so simultaneous callers make one restart between them.

Restarts are limited per service: a cooldown between restarts and at most N
attempts per window (BERTH_RESTART_COOLDOWN, BERTH_MAX_RESTART_ATTEMPTS,
BERTH_RESTART_WINDOW, x-berth.restart). A refused restart exits 4 and says
why and when the next attempt is allowed; --force overrides the limits and
is recorded as forced.`,
		Args: cobra.ExactArgs(1),
		RunE: wrap(func(cmd *cobra.Command, args []string) error {
			return withManager(s, func(m *berth.Manager) error {
				var err error
				o := berth.Options{Files: f.files, ProjectName: f.project, Getenv: s.Getenv}
				var res berth.RestartResult
				if f.env != "" {
					res, err = m.RestartEnv(cmd.Context(), f.env, o, args[0], f.force)
				} else {
					res, err = m.Restart(cmd.Context(), o, args[0], f.force)
				}
				if refused, ok := errors.AsType[*berth.RestartRefusedError](err); ok && f.json {
					if jerr := writeRestartJSON(s.Out, refusedJSON{Service: refused.Service, Action: "refused",
						Reason: refused.Reason, NextAllowed: refused.NextAllowed}); jerr != nil {
						return jerr
					}
					return &ExitError{Code: ExitRestartRefused}
				}
				if err != nil {
					return err
				}
				if f.json {
					return writeRestartJSON(s.Out, res)
				}
				return writeRestart(s.Out, res)
			})
		}),
	}
	f.projectFlags.register(cmd.Flags())
	cmd.Flags().StringVar(&f.env, "env", "", "environment ID (default: the shared environment of the compose files)")
	cmd.Flags().BoolVar(&f.force, "force", false, "restart even a healthy service, whatever the restart limits (recorded as forced)")
	cmd.Flags().BoolVar(&f.json, "json", false, "print the result as JSON")
	return cmd
}

// refusedJSON is what restart --json prints for a refused restart.
type refusedJSON struct {
	Service     string    `json:"service"`
	Action      string    `json:"action"`
	Reason      string    `json:"reason"`
	NextAllowed time.Time `json:"next_allowed,omitzero"`
}

func writeRestart(w io.Writer, r berth.RestartResult) error {
	var err error
	switch r.Action {
	case berth.RestartNone:
		_, err = fmt.Fprintf(w, "service %s: %s\n", r.Service, r.Reason)
	default:
		_, err = fmt.Fprintf(w, "service %s: %s in %s (%s)\n", r.Service, r.Action, r.Took.Round(time.Millisecond), r.Reason)
	}
	return err
}

func writeRestartJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// restartUnhealthy is berth run --force-restart: before the acquisition,
// restart with force the shared environment's services that are not
// healthy. A failure is reported and the run goes on: the acquisition
// then recreates the environment if it is still broken.
func restartUnhealthy(ctx context.Context, s Streams, m *berth.Manager, o berth.Options) {
	rs, err := m.RestartUnhealthy(ctx, o)
	for _, r := range rs {
		fmt.Fprintf(s.Err, "berth: service %s: forced restart in %s (%s)\n", r.Service, r.Took.Round(time.Millisecond), r.Reason)
	}
	if err != nil {
		fmt.Fprintf(s.Err, "berth: --force-restart: %v\n", err)
	}
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/berth-dev/berth"
)

type runFlags struct {
	envFlags
	noCleanup    bool
	forceRestart bool
	stats        bool
	cleanupOld   bool
}

// releaseTimeout bounds the release (and a possible teardown) after the
// command ended, even when berth itself was interrupted.
const releaseTimeout = 5 * time.Minute

func newRun(s Streams) *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run [up flags] [--no-cleanup] [--cleanup-old] -- CMD [ARGS...]",
		Short: "Acquire an environment, run a command against it, release it",
		Long: `run acquires a lease (as up does, held by run itself), waits until the
environment is ready, runs CMD with the BERTH_* endpoint variables in its
environment, forwards SIGINT and SIGTERM to it, releases the lease on every
exit path, and exits with CMD's exit code.`,
		RunE: wrap(func(cmd *cobra.Command, args []string) error {
			if cmd.ArgsLenAtDash() != 0 || len(args) == 0 {
				return usageError{errors.New("run needs a command after --, for example: berth run -- go test ./...")}
			}
			started := time.Now()
			return withManager(s, func(m *berth.Manager) error {
				ctx := cmd.Context()
				if f.cleanupOld {
					rep, err := m.GC(ctx, berth.GCOptions{})
					if err != nil {
						fmt.Fprintf(s.Err, "berth: cleanup of old environments: %v\n", err)
					}
					fmt.Fprintf(s.Err, "berth: gc (safe): reaped %d dead lease(s), took down %d environment(s)\n",
						len(rep.ReapedLeases), len(rep.TornDown))
				}
				if f.forceRestart {
					restartUnhealthy(ctx, s, m, f.options(s))
				}
				// Signals that arrive from here on are the command's; one that
				// arrives before it starts keeps it from starting at all.
				sigs := make(chan os.Signal, 2)
				signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
				defer signal.Stop(sigs)
				env, err := m.Acquire(ctx, f.options(s))
				if err != nil {
					return err
				}
				// Meanwhile take down other environments whose linger has
				// passed: no background daemon does it for us.
				swept := make(chan struct{})
				go func() {
					defer close(swept)
					if _, err := m.GC(context.WithoutCancel(ctx), berth.GCOptions{}); err != nil {
						fmt.Fprintf(s.Err, "berth: tear down idle environments: %v\n", err)
					}
				}()
				stopWatch := m.Watch(context.WithoutCancel(ctx), env.ID)
				code, runErr := 0, ctx.Err()
				if runErr == nil {
					code, runErr = runCommand(s, env, args, sigs)
				}
				stopWatch()
				<-swept
				rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
				defer cancel()
				relErr := m.Release(rctx, env.LeaseID, berth.ReleaseOptions{Keep: f.noCleanup})
				if runErr != nil {
					return errors.Join(runErr, relErr)
				}
				if relErr != nil {
					// The command's outcome stands: the lease's lock ends with
					// this process, so the lease reads dead (on PostgreSQL once
					// the database has been back for pglock.Grace) and the next
					// gc, up or down reaps it, as after a crash.
					fmt.Fprintf(s.Err, "berth: release %s: %v; the lease ends with this process and a later berth gc reaps it\n",
						env.LeaseID, relErr)
				}
				if f.stats {
					printRunStats(rctx, s, m, time.Since(started), f.json)
				}
				if code != 0 {
					return &ExitError{Code: code}
				}
				return nil
			})
		}),
	}
	f.register(cmd.Flags())
	cmd.Flags().BoolVar(&f.noCleanup, "no-cleanup", false, "leave the environment up after the command (berth gc takes it down later)")
	cmd.Flags().BoolVar(&f.forceRestart, "force-restart", false, "first restart, in place and whatever the restart limits, the shared environment's services that are not healthy")
	cmd.Flags().BoolVar(&f.stats, "stats", false, "print berth stats for the run's duration to stderr at the end")
	cmd.Flags().BoolVar(&f.cleanupOld, "cleanup-old", false, "run the safe berth gc (stale and idle environments, orphans) before acquiring")
	return cmd
}

// runCommand runs args with the environment's variables, forwards the
// signals that arrive on sigs, and returns its exit code (128+N for signal
// N). A SIGINT typed on a terminal already reached the command (it is in
// the terminal's foreground process group), so it is forwarded only when
// berth's stdin is not a terminal: runners such as pytest treat a second
// SIGINT as "skip cleanup".
func runCommand(s Streams, env *berth.Env, args []string, sigs <-chan os.Signal) (int, error) {
	c := exec.Command(args[0], args[1:]...)
	c.Stdin, c.Stdout, c.Stderr = s.In, s.Out, s.Err
	c.Env = os.Environ()
	for k, v := range env.Vars() {
		c.Env = append(c.Env, k+"="+v)
	}
	// BERTH_ENV names the environment; the lease ID is not exported, so a
	// bare `berth down` inside the command cannot release run's own lease.
	c.Env = append(c.Env, "BERTH_ENV="+env.ID)
	if err := c.Start(); err != nil {
		return 0, &ExitError{Code: 127, Err: fmt.Errorf("start %s: %w", args[0], err)}
	}
	interactive := isTerminal(s.In)
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	for {
		select {
		case sig := <-sigs:
			if sig == os.Interrupt && interactive {
				continue
			}
			_ = c.Process.Signal(sig)
		case err := <-done:
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				return exitCode(ee), nil
			}
			return 0, err
		}
	}
}

// isTerminal reports whether stream (stdin, stdout...) is a terminal.
func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}

package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/connect"
	"github.com/berth-dev/berth/internal/stress"
)

// stressLinger is the linger of the environments the runners share: longer
// than any gap between two cycles, so a shared environment is created
// once; stress itself takes the run's environments down at the end.
const stressLinger = 5 * time.Minute

// naiveWaitTimeout bounds one naive cycle's health wait (berth's own
// default wait timeout).
const naiveWaitTimeout = 2 * time.Minute

type stressFlags struct {
	projectFlags
	runners   int
	cycles    int
	dedicated bool
	naive     bool
	json      bool
}

func newStress(s Streams) *cobra.Command {
	var f stressFlags
	cmd := &cobra.Command{
		Use:   "stress --runners N [--cycles K] [--dedicated] [-f FILE]... [--compare-naive] [--json]",
		Short: "Run N parallel berth runners against the stack and check berth's invariants",
		Long: `stress starts N berth processes at once; each does K cycles of acquire, a
TCP connect to every published port (the BERTH_*_PORT_* endpoints) and
release. It then checks: every run passed, each service was created once
per environment (one environment when shared, one per run when dedicated),
nothing berth-labelled of the run is left on the daemon. It also reports
the peak of mutating Docker calls at the daemon at once, Docker calls per
runner, the daemon's ping (p50/p95/max, sampled every 200 ms) and the wall
time. Creates are counted from the daemon's event stream followed live.

The stack is the compose files given with -f, else the compose file of the
current directory, as for every berth command; with neither, in a checkout
of berth, the demo stack (examples/demo/compose.yaml, six services), its
test-service image built and imported first unless BERTH_TESTSVC_IMAGE
names one. The run uses a compose
project name of its own (the stack's name + "-stress-" + a random ID), so
it never reuses or disturbs anyone's environment; shared environments
linger between cycles, and stress takes them down when the runners are
done, so nothing lingers afterwards.

--compare-naive then runs the same load without berth: docker compose (v2)
or docker-compose (v1) up -d, a health wait on docker inspect, the connects
and down -v; shared mode uses one project name for every runner, dedicated
mode a project per runner. Both are printed side by side; the naive
figures do not change the exit code.

Exit codes: 0 every invariant held, 1 one did not (or a figure could not
be measured), 2 bad input (before any Docker call).`,
		Args: cobra.NoArgs,
		PreRunE: func(*cobra.Command, []string) error {
			if f.runners < 1 {
				return usageError{fmt.Errorf("--runners must be at least 1 (got %d)", f.runners)}
			}
			if f.cycles < 1 {
				return usageError{fmt.Errorf("--cycles must be at least 1 (got %d)", f.cycles)}
			}
			return nil
		},
		RunE: wrap(func(cmd *cobra.Command, _ []string) error { return runStress(cmd.Context(), s, f) }),
	}
	f.projectFlags.register(cmd.Flags())
	cmd.Flags().IntVar(&f.runners, "runners", 0, "how many berth processes run at once (required)")
	cmd.Flags().IntVar(&f.cycles, "cycles", 1, "acquire/connect/release cycles per runner")
	cmd.Flags().BoolVar(&f.dedicated, "dedicated", false, "each run gets a copy of the stack of its own (default: shared)")
	cmd.Flags().BoolVar(&f.naive, "compare-naive", false, "then run the same load with docker compose alone and print both")
	cmd.Flags().BoolVar(&f.json, "json", false, "print the report as JSON")
	return cmd
}

func runStress(ctx context.Context, s Streams, f stressFlags) error {
	files, img, err := stressStack(ctx, s, f.files)
	if err != nil {
		return err
	}
	if img != "" {
		// The runners and the naive side's compose inherit it too.
		s.Getenv = withVar(s.Getenv, demoImageVar, img)
		if err := os.Setenv(demoImageVar, img); err != nil {
			return err
		}
	}
	return withManager(s, func(m *berth.Manager) error {
		// Bad input stops here, before any Docker call.
		base, err := m.Config(ctx, berth.Options{Files: files, ProjectName: f.project, Getenv: s.Getenv})
		if err != nil {
			return err
		}
		runID := stress.RunID()
		opts := berth.Options{Files: files, ProjectName: base.Project + "-stress-" + runID, Dedicated: &f.dedicated, Getenv: s.Getenv}
		if _, err := m.Config(ctx, opts); err != nil {
			return err
		}
		var naive *stress.Naive
		if f.naive {
			compose, err := stress.FindCompose(ctx, "docker")
			if err != nil {
				return usageError{err}
			}
			dir, err := os.MkdirTemp("", "berth-stress-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			v1 := stress.IsV1(compose)
			nfiles, err := stress.NaiveFiles(files, v1, dir)
			if err != nil {
				return usageError{err}
			}
			naive = &stress.Naive{Compose: compose, Docker: "docker", Files: nfiles,
				Project: base.Project + "-naive-" + runID, WaitTimeout: naiveWaitTimeout}
			if v1 && len(nfiles) > 0 {
				naive.ProjectDir, _ = os.Getwd() // the compose file found there
				if len(files) > 0 {
					naive.ProjectDir = filepath.Dir(files[0])
				}
			}
		}
		exe, err := os.Executable()
		if err != nil {
			return fmt.Errorf("find the berth executable to start runners: %w", err)
		}
		conn, err := connect.FromEnv(s.Getenv, logger(s))
		if err != nil {
			return err
		}
		defer conn.Close()
		mode := stress.ModeShared
		if f.dedicated {
			mode = stress.ModeDedicated
		}
		c := stress.Config{Runners: f.runners, Cycles: f.cycles, Mode: mode, Project: opts.ProjectName,
			Services: slices.Sorted(maps.Keys(base.Services)), Engine: conn, Naive: naive,
			SlotLimit: conn.Settings.MaxConcurrentOps, OwnPID: os.Getpid(),
			Start: func(ctx context.Context, i int) *exec.Cmd {
				return exec.CommandContext(ctx, exe, runnerArgs(i, f.cycles, opts)...)
			},
			Ops: func(ctx context.Context, since time.Time) ([]berth.OpRecord, error) { return m.OpRecords(ctx, since) },
			TearDown: func(ctx context.Context) error {
				ids, err := m.ProjectEnvs(ctx, opts)
				if err != nil {
					return err
				}
				var errs []error
				for _, id := range ids {
					_, err := m.ReleaseHolder(ctx, id, os.Getpid(), berth.ReleaseOptions{Now: true})
					errs = append(errs, err)
				}
				return errors.Join(errs...)
			}}
		if isTerminal(s.Err) {
			c.Progress = s.Err
		}
		rep, runErr := stress.Run(ctx, c)
		if rep != nil {
			if f.json {
				enc := json.NewEncoder(s.Out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(rep); err != nil {
					return err
				}
			} else {
				rep.WriteText(s.Out)
			}
		}
		if runErr != nil {
			return fmt.Errorf("stress: %w", runErr)
		}
		if len(rep.Violations) > 0 {
			return &ExitError{Code: ExitFailure}
		}
		return nil
	})
}

// withVar is getenv with key set to value.
func withVar(getenv func(string) string, key, value string) func(string) string {
	return func(k string) string {
		if k == key {
			return value
		}
		return getenv(k)
	}
}

// runnerArgs is the command line of runner i: the hidden stress-runner
// command with the run's project, files and mode.
func runnerArgs(i, cycles int, o berth.Options) []string {
	args := []string{"stress-runner", "--runner", strconv.Itoa(i), "--cycles", strconv.Itoa(cycles),
		"-p", o.ProjectName, "--linger", stressLinger.String()}
	for _, f := range o.Files {
		args = append(args, "-f", f)
	}
	// Always explicit: BERTH_SHARED in the environment must not change a
	// runner's mode.
	return append(args, "--dedicated="+strconv.FormatBool(o.Dedicated != nil && *o.Dedicated))
}

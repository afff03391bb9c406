// Package cli is berth's command line: one file per command, each a flags
// struct and a constructor; the work itself lives in the library packages.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/config"
)

// Streams are the standard streams and environment a command sees.
type Streams struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	Getenv func(string) string
}

// OSStreams are the process's own streams and environment.
func OSStreams() Streams {
	return Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Getenv: os.Getenv}
}

// Run executes berth with args (without the program name) and returns the
// error to map with [ExitCode]; it has already printed the error.
func Run(ctx context.Context, args []string, s Streams) error {
	root := newRoot(s)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	var ee *ExitError
	if err != nil && !(errors.As(err, &ee) && ee.Err == nil) {
		if berth.StoreUnavailable(err) && !berth.StoreUnreachableAtStart(err) {
			fmt.Fprintf(s.Err, "berth: the store database stopped answering during this command (run it again once it answers): %v\n", err)
		} else {
			fmt.Fprintf(s.Err, "berth: %v\n", err)
		}
	}
	return err
}

// Main runs berth and returns the exit code.
func Main(ctx context.Context, args []string, s Streams) int {
	return ExitCode(Run(ctx, args, s))
}

func newRoot(s Streams) *cobra.Command {
	root := &cobra.Command{
		Use:           "berth",
		Short:         "Coordinate parallel test runners on one Docker daemon",
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	s = withStoreFlag(root, s)
	root.AddCommand(newVersion(s), newDoctor(s), newUp(s), newDown(s), newRun(s), newEnv(s), newPs(s), newGC(s), newRestart(s))
	root.AddCommand(newStats(s), newPull(s), newLogs(s), newExec(s), newPort(s), newConfig(s))
	root.AddCommand(newAudit(s), newKeepLease(s), newStress(s), newStressRunner(s), newServe(s), newPool(s))
	return root
}

// withStoreFlag adds the persistent --store flag and returns streams whose
// Getenv answers BERTH_STORE with the flag's value when it is given, so
// every command that opens the store sees it as it sees the variable
// (validated the same way, before any Docker call).
func withStoreFlag(root *cobra.Command, s Streams) Streams {
	var dsn string
	root.PersistentFlags().StringVar(&dsn, "store", "", "shared state store: a postgres:// URL (default: $BERTH_STORE, else SQLite in the state directory)")
	getenv := s.Getenv
	s.Getenv = func(k string) string {
		if k == config.EnvStore && root.PersistentFlags().Changed("store") {
			return dsn
		}
		return getenv(k)
	}
	return s
}

// wrap marks errors from a command's work so they are not mistaken for
// parse errors.
func wrap(fn func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if err := fn(cmd, args); err != nil {
			var ee *ExitError
			if errors.As(err, &ee) {
				return err
			}
			return runFailure{err}
		}
		return nil
	}
}

// logger returns the logger commands inject into the library: warnings and
// errors to stderr, or debug when BERTH_DEBUG is set.
func logger(s Streams) *slog.Logger {
	level := slog.LevelWarn
	if s.Getenv("BERTH_DEBUG") != "" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(s.Err, &slog.HandlerOptions{Level: level}))
}

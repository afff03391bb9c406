package cli

import (
	"github.com/spf13/cobra"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/stress"
)

type stressRunnerFlags struct {
	envFlags
	runner int
	cycles int
}

// newStressRunner is the hidden command berth stress starts N times: K
// cycles of acquire, connect, release, one JSON outcome line per cycle on
// stdout (see stress.Outcome). It exits 1 when a cycle failed.
func newStressRunner(s Streams) *cobra.Command {
	var f stressRunnerFlags
	cmd := &cobra.Command{
		Use:    "stress-runner",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: wrap(func(cmd *cobra.Command, _ []string) error {
			return withManager(s, func(m *berth.Manager) error {
				o := f.options(s)
				o.Progress = nil
				if stress.Cycles(cmd.Context(), m, o, f.runner, f.cycles, ExitCode, s.Out) > 0 {
					return &ExitError{Code: ExitFailure}
				}
				return nil
			})
		}),
	}
	f.register(cmd.Flags())
	cmd.Flags().IntVar(&f.runner, "runner", 0, "this runner's number, for the outcome lines")
	cmd.Flags().IntVar(&f.cycles, "cycles", 1, "cycles to run")
	return cmd
}

package cli

import (
	"github.com/spf13/cobra"

	"github.com/berth-dev/berth/internal/connect"
	"github.com/berth-dev/berth/internal/doctor"
)

type doctorFlags struct {
	json bool
}

func newDoctor(s Streams) *cobra.Command {
	var f doctorFlags
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check the Docker daemon and berth's state before a test run",
		Long: `doctor checks that the daemon answers and reports its version, resources,
disk usage, exited and berth-labelled containers, and berth's state directory.
Exit status: 0 healthy, 1 warnings, 2 daemon unreachable (or bad input).`,
		Args: cobra.NoArgs,
		RunE: wrap(func(cmd *cobra.Command, _ []string) error {
			conn, err := connect.FromEnv(s.Getenv, logger(s))
			if err != nil {
				return err
			}
			defer conn.Close()
			r := doctor.NewReport(doctor.Gather(cmd.Context(), conn))
			if f.json {
				err = r.WriteJSON(s.Out)
			} else {
				err = r.WriteText(s.Out)
			}
			if err != nil {
				return err
			}
			switch r.Status {
			case doctor.Fail:
				return &ExitError{Code: ExitBadInput}
			case doctor.Warn:
				return &ExitError{Code: ExitFailure}
			}
			return nil
		}),
	}
	cmd.Flags().BoolVar(&f.json, "json", false, "print the report as JSON")
	return cmd
}

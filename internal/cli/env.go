package cli

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/endpoints"
)

type envCmdFlags struct {
	projectFlags
	env    string
	format string
}

func newEnv(s Streams) *cobra.Command {
	var f envCmdFlags
	cmd := &cobra.Command{
		Use:   "env [-f FILE]... [--env NAME] [--format shell|dotenv|json]",
		Short: "Print an environment's endpoint variables",
		Long: `env prints the BERTH_* endpoint variables of an environment: for each
published port BERTH_<SERVICE>_HOST and BERTH_<SERVICE>_PORT_<CONTAINER_PORT>,
plus BERTH_<SERVICE>_PORT for the first. eval "$(berth env)" sets them.`,
		Args: cobra.NoArgs,
		PreRunE: func(*cobra.Command, []string) error {
			if !slices.Contains(endpoints.Formats, f.format) {
				return usageError{fmt.Errorf("--format %q: want %s", f.format, strings.Join(endpoints.Formats, ", "))}
			}
			return nil
		},
		RunE: wrap(func(cmd *cobra.Command, _ []string) error {
			return withManager(s, func(m *berth.Manager) error {
				var err error
				id := f.env
				if id == "" {
					if id, err = m.EnvFor(cmd.Context(), berth.Options{Files: f.files, ProjectName: f.project}, os.Getppid()); err != nil {
						return err
					}
				}
				info, err := m.Env(cmd.Context(), id)
				if errors.Is(err, berth.ErrNoSuchEnv) {
					return fmt.Errorf("environment %s is not up (berth up brings it up; berth ps lists what is)", id)
				}
				if err != nil {
					return err
				}
				return endpoints.Write(s.Out, f.format, info.Endpoints)
			})
		}),
	}
	f.projectFlags.register(cmd.Flags())
	cmd.Flags().StringVar(&f.env, "env", "", "environment ID (default: the shared environment of the compose files)")
	cmd.Flags().StringVar(&f.format, "format", "shell", "output format: shell, dotenv or json")
	return cmd
}

package cli

import (
	"github.com/spf13/cobra"

	"github.com/berth-dev/berth"
)

func newPull(s Streams) *cobra.Command {
	var f projectFlags
	cmd := &cobra.Command{
		Use:   "pull [-f FILE]... [-p NAME]",
		Short: "Pull a stack's images ahead of time",
		Long: `pull gets the images of the compose stack as bringing it up would: each
service's pull_policy decides (missing by default: only images the daemon
does not have), built images are not pulled. Every berth process of the
daemon shares one pull per image, and at most BERTH_MAX_CONCURRENT_PULLS
run at once. Progress goes to stderr: live on a terminal, lines otherwise.
A CI cache step runs it before the tests; up and run pull what they need
by themselves. A failed pull exits 3, naming the image, its registry and
the cause.`,
		Args: cobra.NoArgs,
		RunE: wrap(func(cmd *cobra.Command, _ []string) error {
			return withManager(s, func(m *berth.Manager) error {
				return m.Pull(cmd.Context(), berth.Options{Files: f.files, ProjectName: f.project,
					Progress: s.Err, Getenv: s.Getenv})
			})
		}),
	}
	f.register(cmd.Flags())
	return cmd
}

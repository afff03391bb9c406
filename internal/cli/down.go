package cli

import (
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth"
)

type downFlags struct {
	projectFlags
	lease     string
	env       string
	holderPID int
	now       bool
}

func newDown(s Streams) *cobra.Command {
	var f downFlags
	cmd := &cobra.Command{
		Use:   "down [-f FILE]... [--lease ID] [--env NAME] [--now]",
		Short: "Release your leases on an environment",
		Long: `down releases the caller's leases on an environment: the lease given with
--lease (or $BERTH_LEASE when neither --env nor -f is given), or every lease
held by down's parent process (the script that ran berth up) on the
environment named by --env or by the compose files. The
environment then lingers for reuse, unless --now tears it down at once when
no other live lease remains.`,
		Args: cobra.NoArgs,
		RunE: wrap(func(cmd *cobra.Command, _ []string) error {
			return withManager(s, func(m *berth.Manager) error {
				var err error
				o := berth.ReleaseOptions{Now: f.now}
				lease := f.lease
				if lease == "" && f.env == "" && len(f.files) == 0 {
					lease = s.Getenv("BERTH_LEASE") // set by `berth up --format dotenv` in CI
				}
				// Another state directory's environment is left alone: said on
				// stderr, not a failure of this down.
				leftAlone := func(err error) error {
					var foreign *berth.ForeignError
					if errors.As(err, &foreign) {
						fmt.Fprintf(s.Err, "berth: %v\n", foreign)
						return nil
					}
					return err
				}
				if lease != "" {
					if err := leftAlone(m.Release(cmd.Context(), lease, o)); err != nil {
						return err
					}
					fmt.Fprintf(s.Out, "released lease %s\n", lease)
					return nil
				}
				ids := []string{f.env}
				if f.env == "" {
					// The project's shared environment and any dedicated copies:
					// the caller's leases may be on either.
					o := berth.Options{Files: f.files, ProjectName: f.project}
					if ids, err = m.ProjectEnvs(cmd.Context(), o); err != nil {
						return err
					}
					shared, err := m.EnvFor(cmd.Context(), o, -1)
					if err != nil {
						return err
					}
					if !slices.Contains(ids, shared) {
						ids = append(ids, shared)
					}
				}
				pid := f.holderPID
				if pid == 0 {
					pid = os.Getppid()
				}
				for _, id := range ids {
					n, err := m.ReleaseHolder(cmd.Context(), id, pid, o)
					if err := leftAlone(err); err != nil {
						return err
					}
					if n > 0 || id == f.env || len(ids) == 1 {
						fmt.Fprintf(s.Out, "released %d lease(s) on %s\n", n, id)
					}
				}
				// Take down environments whose linger has passed, as every
				// berth process that notices one does.
				if _, err := m.GC(cmd.Context(), berth.GCOptions{}); err != nil {
					fmt.Fprintf(s.Err, "berth: tear down idle environments: %v\n", err)
				}
				return nil
			})
		}),
	}
	f.projectFlags.register(cmd.Flags())
	cmd.Flags().StringVar(&f.lease, "lease", "", "release this lease")
	cmd.Flags().StringVar(&f.env, "env", "", "environment ID (default: the shared environment of the compose files)")
	cmd.Flags().IntVar(&f.holderPID, "holder-pid", 0, "release the leases of this process (default: the parent of berth)")
	cmd.Flags().BoolVar(&f.now, "now", false, "tear the environment down at once if no other live lease remains")
	return cmd
}

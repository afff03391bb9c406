package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth"
)

type upFlags struct {
	envFlags
	holderPID int
}

func newUp(s Streams) *cobra.Command {
	var f upFlags
	cmd := &cobra.Command{
		Use:   "up [-f FILE]...",
		Short: "Acquire an environment and wait until it is ready",
		Long: `up acquires a lease on the compose environment (creating it, or reusing a
healthy shared one) and waits until it is ready, then prints the lease ID,
the environment and its endpoints. The lease belongs to up's parent process
(the script that ran it) unless --holder-pid says otherwise: when that
process dies, the lease dies with it. Release it with berth down.`,
		Args: cobra.NoArgs,
		RunE: wrap(func(cmd *cobra.Command, _ []string) error {
			m, err := openManager(s)
			if err != nil {
				return err
			}
			defer m.Close()
			o := f.options(s)
			o.HolderPID = f.holderPID
			if o.HolderPID == 0 {
				o.HolderPID = os.Getppid()
			}
			env, err := m.Acquire(cmd.Context(), o)
			if err != nil {
				return err
			}
			return printAcquired(s.Out, env, f.json)
		}),
	}
	f.register(cmd.Flags())
	cmd.Flags().IntVar(&f.holderPID, "holder-pid", 0, "process whose life the lease follows (default: the parent of berth)")
	return cmd
}

// acquired is what up prints with --json.
type acquired struct {
	LeaseID   string            `json:"lease_id"`
	Env       string            `json:"env"`
	Mode      string            `json:"mode"`
	Reused    bool              `json:"reused"`
	Endpoints map[string]string `json:"endpoints"`
}

func printAcquired(w io.Writer, env *berth.Env, asJSON bool) error {
	a := acquired{LeaseID: env.LeaseID, Env: env.ID, Mode: env.Mode, Reused: env.Reused, Endpoints: env.Vars()}
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(a)
	}
	how := "created"
	if a.Reused {
		how = "reused"
	}
	fmt.Fprintf(w, "lease %s\nenv   %s (%s, %s)\n", a.LeaseID, a.Env, a.Mode, how)
	for _, k := range slices.Sorted(maps.Keys(a.Endpoints)) {
		fmt.Fprintf(w, "%s=%s\n", k, a.Endpoints[k])
	}
	return nil
}

// openManager opens the library's Manager with the command's streams.
func openManager(s Streams) (*berth.Manager, error) {
	return berth.Open(s.Getenv, logger(s))
}

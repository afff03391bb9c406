package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
)

func newGC(s Streams) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "gc [--json]",
		Short: "Reap dead leases and tear down idle environments",
		Long: `gc deletes leases whose holder process is gone, then tears down, gracefully,
every environment that has no live lease and whose linger has passed. An
environment being created or acquired (its lock held) is left alone.`,
		Args: cobra.NoArgs,
		RunE: wrap(func(cmd *cobra.Command, _ []string) error {
			m, err := openManager(s)
			if err != nil {
				return err
			}
			defer m.Close()
			rep, err := m.GC(cmd.Context())
			if asJSON {
				enc := json.NewEncoder(s.Out)
				enc.SetIndent("", "  ")
				if jerr := enc.Encode(rep); jerr != nil {
					return jerr
				}
			} else {
				fmt.Fprintf(s.Out, "reaped %d dead lease(s), tore down %d environment(s), %d lingering\n",
					len(rep.ReapedLeases), len(rep.TornDown), len(rep.Lingering))
				for _, id := range rep.TornDown {
					fmt.Fprintf(s.Out, "  torn down %s\n", id)
				}
			}
			return err
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

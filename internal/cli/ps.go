package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth"
)

func newPs(s Streams) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "ps [--json]",
		Short: "List environments, their leases and services",
		Args:  cobra.NoArgs,
		RunE: wrap(func(cmd *cobra.Command, _ []string) error {
			m, err := openManager(s)
			if err != nil {
				return err
			}
			defer m.Close()
			envs, err := m.List(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				if envs == nil {
					envs = []berth.EnvInfo{}
				}
				enc := json.NewEncoder(s.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(envs)
			}
			return writePs(s.Out, envs, time.Now())
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func writePs(w io.Writer, envs []berth.EnvInfo, now time.Time) error {
	if len(envs) == 0 {
		_, err := fmt.Fprintln(w, "no environments")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for i, e := range envs {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		live, dead := 0, 0
		for _, l := range e.Leases {
			if l.Live {
				live++
			} else {
				dead++
			}
		}
		fmt.Fprintf(tw, "ENV %s\t%s\t%s\tage %s\tleases %d live, %d dead\n", e.ID, e.Mode, e.State,
			age(now, e.CreatedAt), live, dead)
		for _, l := range e.Leases {
			state := "live"
			if !l.Live {
				state = "dead"
			}
			fmt.Fprintf(tw, "  lease %s\t%s\tpid %d on %s\tsince %s\n", l.ID, state, l.PID, l.Host, age(now, l.CreatedAt))
		}
		for _, sv := range e.Services {
			status := sv.State
			if sv.Health != "" {
				status += " (" + sv.Health + ")"
			}
			if sv.OOMKilled {
				status += " OOM-killed"
			}
			fmt.Fprintf(tw, "  service %s\t%s\t%s\n", sv.Service, status, sv.Container)
		}
	}
	return tw.Flush()
}

func age(now, t time.Time) string {
	if t.IsZero() {
		return "?"
	}
	return now.Sub(t).Round(time.Second).String()
}

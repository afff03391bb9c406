package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/memory"
)

func newPs(s Streams) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "ps [--json]",
		Short: "List environments, their leases and services",
		Args:  cobra.NoArgs,
		RunE: wrap(func(cmd *cobra.Command, _ []string) error {
			return withManager(s, func(m *berth.Manager) error {
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
			})
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
				status += " " + oomText(sv.MemoryLimit)
			}
			fmt.Fprintf(tw, "  service %s\t%s\t%s\t%s\n", sv.Service, status, psMemory(sv), sv.Container)
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

// psMemory is a service's memory column: usage against its limit while it
// runs (HIGH at 70 % or more), else its limit.
func psMemory(sv berth.ServiceInfo) string {
	switch {
	case sv.State == "running" && sv.MemoryUsage > 0:
		return memText(sv.MemoryUsage, sv.MemoryLimit, sv.MemoryPercent, sv.High)
	case sv.MemoryLimit > 0:
		return "limit " + memory.Bytes(sv.MemoryLimit)
	}
	return "-"
}

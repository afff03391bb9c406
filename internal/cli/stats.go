package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/memory"
)

func newStats(s Streams) *cobra.Command {
	var asJSON bool
	var since durationFlag
	cmd := &cobra.Command{
		Use:   "stats [--json] [--since D]",
		Short: "Restarts, environment usage, Docker operations, OOM kills and memory pressure",
		Long: `stats reports what every berth process of this daemon recorded (since D
ago, or everything kept): restarts per service (done, refused, forced, by
the engine), environment usage (acquisitions, reuse hits, peak concurrent
holders, time to ready p50/p95), Docker operations per kind (count,
errors, retries, latency p50/p95) and circuit breaker openings, OOM kills
with the limit that was hit, and the memory of berth's running containers
now against their limits (HIGH at 70 % or more).`,
		Args: cobra.NoArgs,
		RunE: wrap(func(cmd *cobra.Command, _ []string) error {
			return withManager(s, func(m *berth.Manager) error {
				var d time.Duration
				if since.v != nil {
					d = *since.v
				}
				st, err := m.Stats(cmd.Context(), d)
				if err != nil {
					return err
				}
				return printStats(s.Out, st, asJSON)
			})
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	cmd.Flags().Var(&since, "since", "only records of the last D (default: everything kept)")
	return cmd
}

func printStats(w io.Writer, st berth.Stats, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	return writeStats(w, st)
}

func writeStats(w io.Writer, st berth.Stats) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if st.Since.IsZero() {
		fmt.Fprintln(tw, "berth stats (all records kept)")
	} else {
		fmt.Fprintf(tw, "berth stats (last %s)\n", st.Now.Sub(st.Since).Round(time.Second))
	}
	fmt.Fprintln(tw, "\nRESTARTS\tdone\trefused\tforced\tengine\trevived")
	if len(st.Restarts) == 0 {
		fmt.Fprintln(tw, "  none")
	}
	for _, r := range st.Restarts {
		fmt.Fprintf(tw, "  %s %s\t%d\t%d\t%d\t%d\t%d\n", r.EnvID, r.Service, r.Done, r.Refused, r.Forced, r.Engine, r.Revived)
	}
	u := st.Usage
	fmt.Fprintln(tw, "\nENVIRONMENTS")
	fmt.Fprintf(tw, "  acquisitions\t%d (created %d, reuse hits %d)\n", u.Acquisitions, u.Created, u.ReuseHits)
	fmt.Fprintf(tw, "  releases\t%d\n", u.Releases)
	fmt.Fprintf(tw, "  peak concurrent holders\t%d\n", u.PeakHolders)
	fmt.Fprintf(tw, "  time to ready\tp50 %s, p95 %s\n", ms(u.ReadyP50), ms(u.ReadyP95))
	fmt.Fprintf(tw, "\nDOCKER OPERATIONS\tcount\terrors\tretries\tp50\tp95\n")
	for _, o := range append(st.Ops, st.OpsTotal) {
		fmt.Fprintf(tw, "  %s\t%d\t%d\t%d\t%s\t%s\n", o.Op, o.Count, o.Errors, o.Retries, ms(o.P50), ms(o.P95))
	}
	fmt.Fprintf(tw, "  circuit breaker openings\t%d\n", st.BreakerOpenings)
	fmt.Fprintln(tw, "\nOOM KILLS")
	if len(st.OOMKills) == 0 {
		fmt.Fprintln(tw, "  none")
	}
	for _, k := range st.OOMKills {
		when := "earlier"
		if !k.Time.IsZero() {
			when = k.Time.Local().Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(tw, "  %s %s\t%s\t%s\t%s\n", k.EnvID, k.Service, oomText(k.MemoryLimit), when, short(k.Container))
	}
	fmt.Fprintln(tw, "\nMEMORY NOW")
	if len(st.Memory) == 0 {
		fmt.Fprintln(tw, "  no running berth containers")
	}
	for _, s := range st.Memory {
		fmt.Fprintf(tw, "  %s %s\t%s\n", s.EnvID, s.Service, memText(s.Usage, s.Limit, s.Percent, s.High))
	}
	return tw.Flush()
}

// oomText is how an OOM kill reads: "OOM-killed (limit 32 MiB)".
func oomText(limit int64) string {
	if limit <= 0 {
		return "OOM-killed (no limit of its own)"
	}
	return "OOM-killed (limit " + memory.Bytes(limit) + ")"
}

// memText is usage against limit: "12 MiB / 32 MiB (37%)", "... HIGH".
func memText(usage, limit int64, percent float64, high bool) string {
	if limit <= 0 {
		return memory.Bytes(usage) + " (no limit)"
	}
	s := fmt.Sprintf("%s / %s (%.0f%%)", memory.Bytes(usage), memory.Bytes(limit), percent)
	if high {
		s += " HIGH"
	}
	return s
}

func ms(d time.Duration) string {
	if d < time.Millisecond {
		return d.Round(time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// printRunStats prints, for berth run --stats, the statistics of the
// run's duration to stderr (stdout is the command's). A failure is
// reported, not returned: the command's exit code is what run returns.
func printRunStats(ctx context.Context, s Streams, m *berth.Manager, d time.Duration, asJSON bool) {
	st, err := m.Stats(ctx, d)
	if err == nil {
		err = printStats(s.Err, st, asJSON)
	}
	if err != nil {
		fmt.Fprintf(s.Err, "berth: stats: %v\n", err)
	}
}

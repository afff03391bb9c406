package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/config"
)

type logsFlags struct {
	targetFlags
	follow     bool
	since      string
	tail       int
	timestamps bool
}

func newLogs(s Streams) *cobra.Command {
	var f logsFlags
	cmd := &cobra.Command{
		Use:   "logs [SERVICE...] [-f FILE]... [--env NAME | --lease ID] [--follow] [--since D|TIME] [--tail N] [--timestamps]",
		Short: "Show the logs of an environment's services",
		Long: `logs prints the services' logs (every service when none is named),
interleaved in time order, each line prefixed with its service when more
than one is shown (coloured on a terminal). --follow keeps printing new
lines until the environment is taken down or you press Ctrl-C. --since
takes a duration (10m, 30s, or plain seconds) or an RFC 3339 time.`,
		RunE: wrap(func(cmd *cobra.Command, services []string) error {
			o := berth.LogsOptions{Tail: f.tail, Follow: f.follow, Timestamps: f.timestamps,
				Prefix: len(services) != 1, Color: isTerminal(s.Out)}
			if f.since != "" {
				t, err := parseSince(f.since, time.Now())
				if err != nil {
					return usageError{err}
				}
				o.Since = t
			}
			if f.tail < 0 {
				return usageError{fmt.Errorf("--tail %d: want 0 (all) or more", f.tail)}
			}
			return withManager(s, func(m *berth.Manager) error {
				if err := f.checkServices(cmd.Context(), s, m, services); err != nil {
					return err
				}
				id, err := f.envID(cmd.Context(), s, m)
				if err != nil {
					return err
				}
				return m.Logs(cmd.Context(), id, services, o, s.Out) // Ctrl-C: exit 130
			})
		}),
	}
	f.targetFlags.register(cmd.Flags())
	cmd.Flags().BoolVar(&f.follow, "follow", false, "keep printing new lines until the environment goes or Ctrl-C")
	cmd.Flags().StringVar(&f.since, "since", "", "only lines since this long ago (10m) or this RFC 3339 time")
	cmd.Flags().IntVar(&f.tail, "tail", 0, "only the last N lines of each service (0: all)")
	cmd.Flags().BoolVar(&f.timestamps, "timestamps", false, "prefix each line with its time")
	return cmd
}

// parseSince reads a duration in berth's syntax (counted back from now) or
// an RFC 3339 time.
func parseSince(s string, now time.Time) (time.Time, error) {
	if d, err := config.ParseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--since %q: want a duration (10m, 30s, 90) or an RFC 3339 time (2026-01-02T15:04:05Z)", s)
}

package cli

import (
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth"
)

type serveFlags struct {
	addr        string
	allowRemote bool
	gcEvery     durationFlag
	gcMode      string
	noGC        bool
}

func newServe(s Streams) *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:7391] [--gc-every 1h] [--gc-mode safe|normal] [--no-gc] [--allow-remote]",
		Short: "Watch the daemon, clean up on a schedule, serve a status page and Prometheus metrics",
		Long: `serve runs in the foreground, one per daemon (a second one exits 1 naming
the first), until SIGINT or SIGTERM:

  - pings the daemon every 5 s; when it stops answering, opens the circuit
    breaker every berth process shares (runners fail fast), and closes it
    when the daemon answers again;
  - records every environment's container events (deaths, OOM kills,
    restarts, health) for the restart limits and berth stats;
  - measures the daemon's disk usage every 10 min;
  - runs berth gc in --gc-mode (safe or normal, never deep) every --gc-every,
    keeping each run's result;
  - serves, read-only: / (status page), /api/status (JSON), /metrics
    (Prometheus).

It listens on loopback only, unless --allow-remote is given and
BERTH_SERVE_TOKEN is set: then every request must carry
"Authorization: Bearer <token>". Logs go to stderr.`,
		Args: cobra.NoArgs,
		RunE: wrap(func(cmd *cobra.Command, _ []string) error {
			mode, err := berth.ParseGCMode(f.gcMode)
			if err != nil {
				return usageError{err}
			}
			o := berth.ServeOptions{Addr: f.addr, AllowRemote: f.allowRemote, Token: s.Getenv("BERTH_SERVE_TOKEN"),
				GCMode: mode, NoGC: f.noGC}
			if f.gcEvery.v != nil {
				if *f.gcEvery.v <= 0 {
					return usageError{errNonPositive("--gc-every")}
				}
				o.GCEvery = *f.gcEvery.v
			}
			if err := berth.CheckServe(o); err != nil {
				return err
			}
			m, err := berth.Open(s.Getenv, serveLogger(s))
			if err != nil {
				return err
			}
			defer m.Close()
			// Stop cleanly on SIGINT and SIGTERM (a service manager's stop)
			// whoever calls Run: the context ends, serve stops its loops and
			// its server and returns.
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return m.Serve(ctx, o)
		}),
	}
	fs := cmd.Flags()
	fs.StringVar(&f.addr, "addr", "127.0.0.1:7391", "host:port to listen on (loopback unless --allow-remote)")
	fs.BoolVar(&f.allowRemote, "allow-remote", false, "allow a non-loopback --addr; needs BERTH_SERVE_TOKEN")
	fs.Var(&f.gcEvery, "gc-every", "how often to run gc (default 1h)")
	fs.StringVar(&f.gcMode, "gc-mode", "safe", "scheduled gc mode: safe or normal (deep is never scheduled)")
	fs.BoolVar(&f.noGC, "no-gc", false, "do not run gc on a schedule")
	return cmd
}

// serveLogger logs serve's own work (info and up) to stderr, debug with
// BERTH_DEBUG.
func serveLogger(s Streams) *slog.Logger {
	level := slog.LevelInfo
	if s.Getenv("BERTH_DEBUG") != "" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(s.Err, &slog.HandlerOptions{Level: level}))
}

type errNonPositive string

func (e errNonPositive) Error() string { return string(e) + " must be greater than zero" }

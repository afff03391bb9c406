package cli

import (
	"context"
	"os"

	"github.com/spf13/pflag"

	"github.com/berth-dev/berth"
)

// targetFlags select one environment, as up/down/env do: its compose files
// (the project's shared environment, or the copy the caller holds), or
// --env, or --lease.
type targetFlags struct {
	projectFlags
	env   string
	lease string
}

func (f *targetFlags) register(fs *pflag.FlagSet) {
	f.projectFlags.register(fs)
	fs.StringVar(&f.env, "env", "", "environment ID (default: the environment of the compose files)")
	fs.StringVar(&f.lease, "lease", "", "the environment this lease is on (a dedicated copy)")
}

// options are the compose files' options, for finding the environment.
func (f *targetFlags) options(s Streams) berth.Options {
	return berth.Options{Files: f.files, ProjectName: f.project, Getenv: s.Getenv}
}

// envID finds the selected environment.
func (f *targetFlags) envID(ctx context.Context, s Streams, m *berth.Manager) (string, error) {
	switch {
	case f.env != "":
		return f.env, nil
	case f.lease != "":
		return m.LeaseEnv(ctx, f.lease)
	}
	return m.EnvFor(ctx, f.options(s), os.Getppid())
}

// checkServices refuses, before any Docker call, services the compose
// files do not define (when the environment is named by its files).
func (f *targetFlags) checkServices(ctx context.Context, s Streams, m *berth.Manager, services []string) error {
	if f.env != "" || f.lease != "" || len(services) == 0 {
		return nil
	}
	return m.CheckServices(ctx, f.options(s), services)
}

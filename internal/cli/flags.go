package cli

import (
	"strconv"
	"time"

	"github.com/spf13/pflag"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/config"
)

// durationFlag is a duration flag that accepts Go syntax or plain seconds
// and remembers whether it was set.
type durationFlag struct{ v *time.Duration }

func (d *durationFlag) String() string {
	if d.v == nil {
		return ""
	}
	return d.v.String()
}

func (d *durationFlag) Set(s string) error {
	v, err := config.ParseDuration(s)
	if err != nil {
		return err
	}
	d.v = &v
	return nil
}

func (d *durationFlag) Type() string { return "duration" }

// boolFlag remembers whether a bool flag was given.
type boolFlag struct{ v *bool }

func (b *boolFlag) String() string {
	if b.v == nil {
		return "false"
	}
	return strconv.FormatBool(*b.v)
}

func (b *boolFlag) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	b.v = &v
	return nil
}

func (b *boolFlag) Type() string     { return "bool" }
func (b *boolFlag) IsBoolFlag() bool { return true }

// projectFlags select a compose project (up, down, env, run).
type projectFlags struct {
	files   []string
	project string
}

func (p *projectFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVarP(&p.files, "file", "f", nil, "compose file (repeatable; merged in order)")
	fs.StringVarP(&p.project, "project-name", "p", "", "compose project name")
}

// envFlags are the flags that shape an acquisition (up, run).
type envFlags struct {
	projectFlags
	dedicated   boolFlag
	production  boolFlag
	waitTimeout durationFlag
	linger      durationFlag
	json        bool
	waitMemory  durationFlag
}

func (f *envFlags) register(fs *pflag.FlagSet) {
	f.projectFlags.register(fs)
	fs.Var(&f.dedicated, "dedicated", "a copy of the stack of your own, with ephemeral host ports (default: shared)")
	fs.Lookup("dedicated").NoOptDefVal = "true"
	fs.Var(&f.production, "production", "use the x-berth production image overrides")
	fs.Lookup("production").NoOptDefVal = "true"
	fs.Var(&f.waitTimeout, "wait-timeout", "how long to wait for the stack to be ready (default 2m)")
	fs.Var(&f.linger, "linger", "how long the environment stays up after its last lease, for reuse (default 2m)")
	fs.BoolVar(&f.json, "json", false, "print the result as JSON")
	fs.Var(&f.waitMemory, "wait-for-memory", "when the stack's memory limits do not fit in what the daemon has left, wait up to this long for memory (default 10m, BERTH_WAIT_FOR_MEMORY; 0 refuses at once, exit 5)")
}

func (f *envFlags) options(s Streams) berth.Options {
	return berth.Options{Files: f.files, ProjectName: f.project, Dedicated: f.dedicated.v,
		Production: f.production.v, WaitTimeout: f.waitTimeout.v, Linger: f.linger.v,
		Progress: s.Err, Getenv: s.Getenv, WaitForMemory: f.waitMemory.v, Refill: refill(f)}
}

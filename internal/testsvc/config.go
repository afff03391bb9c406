package testsvc

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// DefaultPort is the port used when TESTSVC_PORTS is empty.
const DefaultPort = 8080

// Config is the service's behaviour. The zero value of each duration means
// "never" (or "no delay").
type Config struct {
	Name           string
	Ports          []int
	StartDelay     time.Duration
	UnhealthyAfter time.Duration
	CrashAfter     time.Duration
	ExitCode       int
	IgnoreSIGTERM  bool
	HoldMB         int
	// WriteFile, when set, is written with WriteMB MiB at start (disk use
	// for cleanup tests: a volume or the writable layer).
	WriteFile string
	WriteMB   int
	Log       string
	LogEvery  time.Duration
}

// Parse builds a Config from the TESTSVC_* variables read through getenv,
// then applies flags from args, which override them. Flags use the variable
// name without the prefix, lower case, dashes for underscores (--ports,
// --start-delay, --ignore-sigterm...). Bad values are errors naming the
// variable or flag; nothing is guessed.
func Parse(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	fs := flag.NewFlagSet("testsvc", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var errs []error
	env := func(key string) string { return getenv("TESTSVC_" + key) }
	str := func(key, def string) *string {
		v := env(key)
		if v == "" {
			v = def
		}
		return fs.String(flagName(key), v, "TESTSVC_"+key)
	}
	name := str("NAME", "testsvc")
	ports := str("PORTS", strconv.Itoa(DefaultPort))
	startDelay := str("START_DELAY", "0")
	unhealthyAfter := str("UNHEALTHY_AFTER", "0")
	crashAfter := str("CRASH_AFTER", "0")
	exitCode := str("EXIT_CODE", "1")
	ignore := env("IGNORE_SIGTERM")
	fs.Var(boolString{&ignore}, "ignore-sigterm", "TESTSVC_IGNORE_SIGTERM")
	hold := str("HOLD_MB", "0")
	writeFile := str("WRITE_FILE", "")
	writeMB := str("WRITE_MB", "0")
	logLine := str("LOG", "")
	logEvery := str("LOG_EVERY", "0")
	if err := fs.Parse(args); err != nil {
		return Config{}, fmt.Errorf("parse flags: %w", err)
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("parse flags: unexpected argument %q", fs.Arg(0))
	}
	c := Config{Name: *name, Log: *logLine, WriteFile: *writeFile}
	check := func(key string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("TESTSVC_%s / --%s: %w", key, flagName(key), err))
		}
	}
	var err error
	c.Ports, err = ParsePorts(*ports)
	check("PORTS", err)
	c.StartDelay, err = ParseDuration(*startDelay)
	check("START_DELAY", err)
	c.UnhealthyAfter, err = ParseDuration(*unhealthyAfter)
	check("UNHEALTHY_AFTER", err)
	c.CrashAfter, err = ParseDuration(*crashAfter)
	check("CRASH_AFTER", err)
	c.LogEvery, err = ParseDuration(*logEvery)
	check("LOG_EVERY", err)
	c.ExitCode, err = parseInt(*exitCode, 0, 255)
	check("EXIT_CODE", err)
	c.HoldMB, err = parseInt(*hold, 0, 1<<20)
	check("HOLD_MB", err)
	c.WriteMB, err = parseInt(*writeMB, 0, 1<<16)
	check("WRITE_MB", err)
	if c.WriteMB > 0 && c.WriteFile == "" {
		check("WRITE_MB", errors.New("needs TESTSVC_WRITE_FILE"))
	}
	c.IgnoreSIGTERM, err = parseBool(ignore)
	check("IGNORE_SIGTERM", err)
	if len(errs) > 0 {
		return Config{}, fmt.Errorf("parse config: %w", errors.Join(errs...))
	}
	return c, nil
}

// boolString is a flag that may be given bare (--ignore-sigterm) or with a
// value; the value is validated later with the environment's.
type boolString struct{ s *string }

func (b boolString) String() string {
	if b.s == nil {
		return ""
	}
	return *b.s
}
func (b boolString) Set(v string) error { *b.s = v; return nil }
func (b boolString) IsBoolFlag() bool   { return true }

func flagName(key string) string {
	return strings.ReplaceAll(strings.ToLower(key), "_", "-")
}

// ParsePorts parses a comma list of ports (1-65535; 0 asks the kernel for
// a free port). Blank items are ignored; an empty list is an error.
func ParsePorts(s string) ([]int, error) {
	var ports []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, err := parseInt(f, 0, 65535)
		if err != nil {
			return nil, fmt.Errorf("parse port: %w", err)
		}
		ports = append(ports, p)
	}
	if len(ports) == 0 {
		return nil, fmt.Errorf("parse ports %q: no port given", s)
	}
	return ports, nil
}

// ParseDuration accepts Go duration syntax ("1.5s", "2m") or plain,
// possibly fractional, seconds ("3", "0.5"). Negative values are errors.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		secs, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil {
			return 0, fmt.Errorf("parse duration %q: want Go syntax (5s, 2m) or seconds", s)
		}
		if math.IsNaN(secs) || math.Abs(secs) > float64(1<<62)/float64(time.Second) {
			return 0, fmt.Errorf("parse duration %q: out of range", s)
		}
		d = time.Duration(secs * float64(time.Second))
	}
	if d < 0 {
		return 0, fmt.Errorf("parse duration %q: negative", s)
	}
	return d, nil
}

func parseInt(s string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("parse number %q: not an integer", s)
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("parse number %q: want %d..%d", s, lo, hi)
	}
	return n, nil
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "0", "false", "no":
		return false, nil
	case "1", "true", "yes":
		return true, nil
	}
	return false, fmt.Errorf("parse bool %q: want 1/0, true/false, yes/no", s)
}

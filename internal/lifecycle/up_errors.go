package lifecycle

import (
	"fmt"
	"strings"
	"time"
)

// logTail is how many of a failed service's last log lines an error carries.
const logTail = 20

// ServiceError reports a service that failed an [Up]: it exited, was
// OOM-killed or turned unhealthy, or a step of creating it failed.
type ServiceError struct {
	Service     string
	ContainerID string // "" when no container was created
	Reason      string // e.g. "exited with code 1", "turned unhealthy"
	// Waiter names the service that was waiting for this one, if any.
	Waiter string
	Logs   []string // the container's last log lines
	Err    error    // the engine's error, when a call failed
}

func (e *ServiceError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "service %s %s", e.Service, e.Reason)
	if e.Waiter != "" {
		fmt.Fprintf(&b, " (service %s was waiting for it)", e.Waiter)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	writeLogs(&b, e.Service, e.Logs)
	return b.String()
}

func (e *ServiceError) Unwrap() error { return e.Err }

// TimeoutError reports an [Up] whose services were not all ready within
// [UpOptions.WaitTimeout].
type TimeoutError struct {
	After time.Duration
	// Service is the service that was not ready After its start; empty
	// when After bounds the whole wait (a restart).
	Service string
	Pending []Pending // the services not ready, sorted
}

// Pending is a service that was not ready when an [Up] timed out.
type Pending struct {
	Service string
	State   string // "not created", "running", "exited", ...
	Health  string
	Waits   string // what readiness waits for, e.g. "to be healthy"
	Logs    []string

	containerID string
}

func (e *TimeoutError) Error() string {
	var b strings.Builder
	if e.Service != "" {
		fmt.Fprintf(&b, "environment not ready: service %s was not ready %s after it started:", e.Service, e.After)
	} else {
		fmt.Fprintf(&b, "environment not ready after %s:", e.After)
	}
	for i, p := range e.Pending {
		sep := ";"
		if i == 0 {
			sep = ""
		}
		state := p.State
		if p.Health != "" {
			state += ", " + p.Health
		}
		fmt.Fprintf(&b, "%s service %s (%s) waits %s", sep, p.Service, state, p.Waits)
	}
	b.WriteString("; raise --wait-timeout if the services are just slow")
	for _, p := range e.Pending {
		writeLogs(&b, p.Service, p.Logs)
	}
	return b.String()
}

func writeLogs(b *strings.Builder, service string, lines []string) {
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(b, "\nlast %d log lines of %s:", len(lines), service)
	for _, l := range lines {
		b.WriteString("\n    " + l)
	}
}

// splitLogs turns log output into lines without trailing blanks.
func splitLogs(out []byte) []string {
	s := strings.TrimRight(strings.ReplaceAll(string(out), "\r\n", "\n"), "\n")
	if s == "" {
		return nil
	}
	lines := strings.Split(s, "\n")
	return lines[max(0, len(lines)-logTail):]
}

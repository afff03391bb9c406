package revive_test

import (
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/revive"
)

var (
	t0       = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	shutdown = t0.Add(time.Hour)         // when the daemon stopped the containers
	boot     = shutdown.Add(time.Minute) // when it started again
	services = map[string]plan.ServicePlan{
		"db": {Name: "db"}, "api": {Name: "api"}, "migrate": {Name: "migrate", Job: true},
	}
)

// svc is a container of service name stopped at the daemon's shutdown
// with code, unless changed.
func svc(name string, code int) lifecycle.ServiceStatus {
	return lifecycle.ServiceStatus{Service: name, ContainerID: "id-" + name, State: "exited", ExitCode: code,
		StartedAt: t0, FinishedAt: shutdown}
}

func status(ss ...lifecycle.ServiceStatus) lifecycle.EnvStatus {
	return lifecycle.EnvStatus{EnvID: "e", Services: ss}
}

func TestDecide(t *testing.T) {
	bridge := revive.Boot{BridgeCreated: boot}
	jobDone := svc("migrate", 0)
	jobDone.FinishedAt = t0.Add(time.Second)
	running := svc("db", 0)
	running.State = "running"
	late := svc("api", 143)
	late.FinishedAt = shutdown.Add(16 * time.Second)
	lateOK := late
	lateOK.StopGrace = 30 * time.Second
	dead := svc("db", 137)
	dead.State = "dead"
	oom := svc("db", 137)
	oom.OOMKilled = true
	quit := svc("api", 131)
	quit.StopSignal = "SIGQUIT"
	afterBoot := svc("api", 143)
	afterBoot.FinishedAt = boot.Add(time.Second)
	for _, tc := range []struct {
		name   string
		st     lifecycle.EnvStatus
		boot   revive.Boot
		revive bool
		want   []string
	}{
		{"SIGTERM and a graceful exit at shutdown", status(svc("api", 143), svc("db", 0), jobDone), bridge, true, []string{"api", "db"}},
		{"killed after the grace period", status(svc("api", 137), svc("db", 137), jobDone), bridge, true, []string{"api", "db"}},
		{"its own stop signal", status(quit, svc("db", 0), jobDone), bridge, true, []string{"api", "db"}},
		{"one still running", status(svc("api", 143), running, jobDone), bridge, true, []string{"api"}},
		{"exits within the longest grace period", status(lateOK, svc("db", 143), jobDone), bridge, true, []string{"api", "db"}},
		{"a dead container", status(svc("api", 143), dead, jobDone), bridge, false, nil},
		{"a crash", status(svc("api", 1), svc("db", 143), jobDone), bridge, false, nil},
		{"a segfault", status(svc("api", 139), svc("db", 143), jobDone), bridge, false, nil},
		{"OOM-killed", status(svc("api", 143), oom, jobDone), bridge, false, nil},
		{"a job killed midway", status(svc("api", 143), svc("db", 143), svc("migrate", 137)), bridge, false, nil},
		{"exits not in one shutdown", status(late, svc("db", 143), jobDone), bridge, false, nil},
		{"exited in this life", status(afterBoot, svc("db", 143), jobDone), bridge, false, nil},
		{"a service without a container", status(svc("api", 143), jobDone), bridge, false, nil},
		{"nothing stopped", status(running, jobDone), bridge, false, nil},
		{"the daemon's start unknown", status(svc("api", 143), svc("db", 143), jobDone), revive.Boot{}, false, nil},
		{"the events: no die in a complete record", status(svc("api", 143), svc("db", 143), jobDone),
			revive.Boot{Complete: true}, true, []string{"api", "db"}},
		{"the events: its die is of this life", status(svc("api", 143), svc("db", 143), jobDone),
			revive.Boot{Complete: true, Died: map[string][]time.Time{"id-db": {shutdown}}}, false, nil},
		{"the events: an earlier die does not count", status(svc("api", 143), svc("db", 143), jobDone),
			revive.Boot{Complete: true, Died: map[string][]time.Time{"id-db": {t0}}}, true, []string{"api", "db"}},
		{"the events: a full buffer says nothing", status(svc("api", 143), svc("db", 143), jobDone),
			revive.Boot{Complete: false}, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := revive.Decide(tc.st, services, tc.boot)
			if v.Revive != tc.revive {
				t.Fatalf("Revive = %v (%s), want %v", v.Revive, v.Why, tc.revive)
			}
			if v.Why == "" {
				t.Error("no reason given")
			}
			if len(v.Services) != len(tc.want) {
				t.Fatalf("Services = %v, want %v", v.Services, tc.want)
			}
			for i := range tc.want {
				if v.Services[i] != tc.want[i] {
					t.Fatalf("Services = %v, want %v", v.Services, tc.want)
				}
			}
		})
	}
}

// The bridge, where there is one, is exact and outranks the events.
func TestBootBridgeOutranksEvents(t *testing.T) {
	b := revive.Boot{BridgeCreated: boot, Complete: true, Died: map[string][]time.Time{"x": {shutdown}}}
	if after, known := b.Restarted("x", shutdown); !after || !known {
		t.Errorf("Restarted = %v, %v; want true, true", after, known)
	}
	if after, known := b.Restarted("x", boot.Add(time.Second)); after || !known {
		t.Errorf("an exit after the bridge was made: Restarted = %v, %v; want false, true", after, known)
	}
	if _, known := b.Restarted("x", time.Time{}); known {
		t.Error("a container that never exited: known")
	}
}

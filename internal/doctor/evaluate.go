package doctor

import (
	"fmt"
	"runtime"
	"strings"
)

// Level grades a finding.
type Level string

// Levels, from good to bad.
const (
	OK   Level = "ok"
	Warn Level = "warn"
	Fail Level = "fail"
)

// Finding is one line of doctor's verdict.
type Finding struct {
	Level  Level  `json:"level"`
	Check  string `json:"check"`
	Detail string `json:"detail"`
	Remedy string `json:"remedy,omitempty"`
}

// Thresholds above which doctor warns.
const (
	exitedContainersWarn = 20
	reclaimableWarn      = 10 << 30 // bytes of reclaimable disk
	minMemoryWarn        = 4 << 30  // bytes of daemon memory
)

// Evaluate grades the facts. It is pure.
func Evaluate(f Facts) []Finding {
	if !f.Reachable {
		return []Finding{{Level: Fail, Check: "daemon", Detail: "cannot reach the Docker daemon at " + f.Endpoint + ": " + f.Unreachable,
			Remedy: startDaemonRemedy()}}
	}
	out := []Finding{{Level: OK, Check: "daemon", Detail: fmt.Sprintf("reachable at %s, ping %s", f.Endpoint, f.PingLatency.Round(10_000))}}
	for _, e := range f.Errors {
		out = append(out, Finding{Level: Warn, Check: "daemon", Detail: e, Remedy: "check the daemon's log; retry berth doctor"})
	}
	if f.Info.MemTotal > 0 && f.Info.MemTotal < minMemoryWarn {
		out = append(out, Finding{Level: Warn, Check: "memory", Detail: fmt.Sprintf("the daemon has %s of memory", Bytes(f.Info.MemTotal)),
			Remedy: "give Docker more memory (Docker Desktop: Settings > Resources)"})
	}
	if f.BerthExitedContainers > 0 {
		out = append(out, Finding{Level: Warn, Check: "leftovers", Detail: fmt.Sprintf("%d exited berth container(s)", f.BerthExitedContainers),
			Remedy: "run berth gc --dry-run to see what it takes and why, then berth gc"})
	}
	if f.ExitedContainers > exitedContainersWarn {
		out = append(out, Finding{Level: Warn, Check: "containers", Detail: fmt.Sprintf("%d exited containers on the daemon", f.ExitedContainers),
			Remedy: "remove the ones you no longer need (docker container prune)"})
	}
	if r := reclaimable(f); r > reclaimableWarn {
		out = append(out, Finding{Level: Warn, Check: "disk", Detail: fmt.Sprintf("%s reclaimable (images, containers, volumes, build cache)", Bytes(r)),
			Remedy: "see berth gc --mode normal --dry-run (dangling images, unused volumes) or --mode deep (build cache, every unused image)"})
	}
	switch {
	case f.State.Problem != "":
		out = append(out, Finding{Level: Warn, Check: "state", Detail: "state directory: " + f.State.Problem,
			Remedy: "make it yours (mode 0700) and writable, or set BERTH_STATE_DIR to a directory of your own"})
	case runtime.GOOS != "windows" && f.State.Mode != "0700":
		out = append(out, Finding{Level: Warn, Check: "state", Detail: fmt.Sprintf("state directory %s has mode %s", f.State.Path, f.State.Mode),
			Remedy: "chmod 700 " + f.State.Path})
	default:
		out = append(out, Finding{Level: OK, Check: "state", Detail: "state directory " + f.State.Path + " is yours, not writable by others, and writable"})
	}
	return out
}

func reclaimable(f Facts) int64 {
	d := f.Disk
	return d.Images.Reclaimable + d.Containers.Reclaimable + d.Volumes.Reclaimable + d.BuildCache.Reclaimable
}

func startDaemonRemedy() string {
	if runtime.GOOS == "linux" {
		return "start the Docker daemon (sudo systemctl start docker, or start Docker Desktop), or point DOCKER_HOST at a running one"
	}
	return "start Docker Desktop, or point DOCKER_HOST at a running daemon"
}

// Worst is the most severe level among findings.
func Worst(fs []Finding) Level {
	w := OK
	for _, f := range fs {
		if f.Level == Fail {
			return Fail
		}
		if f.Level == Warn {
			w = Warn
		}
	}
	return w
}

// Bytes formats a byte count for people (binary units).
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %siB", float64(n)/float64(div), strings.Split("K M G T P E", " ")[exp])
}

package live

import (
	"fmt"

	units "github.com/docker/go-units"

	"github.com/berth-dev/berth/internal/memory"
)

// lines are the headline figures, in the docker CLI's units: decimal for
// disk (as docker system df prints), binary for memory (as docker stats).
func lines(r Resources) []string {
	d := r.Disk
	out := []string{
		diskLine("Images", d.Images),
		diskLine("Containers", d.Containers),
		diskLine("Local Volumes", d.Volumes),
		diskLine("Build Cache", d.BuildCache),
	}
	for _, m := range r.Memory {
		line := fmt.Sprintf("%s: %s/%s (%.2f%%)", m.Name, units.BytesSize(float64(m.Usage)), units.BytesSize(float64(m.Limit)), m.Percent)
		if m.High {
			line = line[:len(line)-1] + " - HIGH)"
		}
		out = append(out, line)
	}
	if c := r.Commit; c != nil && c.DaemonMemory > 0 {
		out = append(out, fmt.Sprintf("Memory limits of running containers: %s of %s daemon memory (%.2f%%), %d running without a limit",
			units.BytesSize(float64(c.LimitsSum)), units.BytesSize(float64(c.DaemonMemory)), c.Percent, c.Unlimited))
	}
	return out
}

func diskLine(name string, u Usage) string {
	return fmt.Sprintf("%s: %s (%d%% reclaimable)", name, units.HumanSize(float64(u.Size)), int(u.Percent))
}

// alerts are the figures that need attention.
func alerts(r Resources) []string {
	var out []string
	high := 0
	for _, m := range r.Memory {
		if m.High {
			high++
		}
	}
	if high > 0 {
		out = append(out, fmt.Sprintf("%d container(s) at or above %.0f %% of their memory limit", high, memory.HighPercent))
	}
	if n := len(r.NoLimit); n > 0 {
		out = append(out, fmt.Sprintf("%d running container(s) without a memory limit", n))
	}
	if c := r.Commit; c != nil && c.Overcommitted {
		out = append(out, fmt.Sprintf("the running containers' memory limits (%s) exceed the daemon's memory (%s)",
			units.BytesSize(float64(c.LimitsSum)), units.BytesSize(float64(c.DaemonMemory))))
	}
	if b := r.Disk.BuildCache; b.Reclaimable > 0 {
		out = append(out, fmt.Sprintf("build cache: %s reclaimable", units.HumanSize(float64(b.Reclaimable))))
	}
	if rec := r.Disk.Images.Reclaimable + r.Disk.Volumes.Reclaimable; rec > 0 {
		out = append(out, fmt.Sprintf("images and volumes: %s reclaimable", units.HumanSize(float64(rec))))
	}
	if n := len(r.Stopped); n > 0 {
		out = append(out, fmt.Sprintf("%d exited or created container(s) left on the daemon", n))
	}
	if n := len(r.Volumes); n > 0 {
		out = append(out, fmt.Sprintf("%d volume(s) no container uses", n))
	}
	if n := len(r.StaleEnv); n > 0 {
		out = append(out, fmt.Sprintf("%d berth environment(s) past their stale age (berth gc takes them down)", n))
	}
	return out
}

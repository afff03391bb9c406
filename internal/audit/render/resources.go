package render

import (
	"fmt"
	"strings"
	"time"

	units "github.com/docker/go-units"

	"github.com/berth-dev/berth/internal/audit/live"
)

// resources writes the resource section: the headline figures in a code
// block, then a table per kind of resource that needs a look.
func resources(m *md, r live.Resources) {
	m.printf("## Resource state\n\n")
	if !r.Checked {
		m.printf("Not checked: %s.\n\n", r.Reason)
		return
	}
	d := r.Daemon
	m.printf("Daemon `%s`: Docker %s, %d CPUs, %s memory, %d of %d containers running.\n\n",
		r.Endpoint, d.ServerVersion, d.CPUs, units.BytesSize(float64(d.Memory)), d.ContainersRunning, d.Containers)
	m.printf("```\n%s\n```\n\n", strings.Join(r.Lines, "\n"))
	for _, e := range r.Errors {
		m.printf("- could not read: %s\n", e)
	}
	if len(r.Memory) > 0 {
		m.printf("### Memory against limits\n\n| Container | Usage | Limit | Percent | |\n| --- | ---: | ---: | ---: | --- |\n")
		for _, u := range r.Memory {
			mark := ""
			if u.High {
				mark = "HIGH"
			}
			m.printf("| %s | %s | %s | %.2f %% | %s |\n", u.Name, units.BytesSize(float64(u.Usage)), units.BytesSize(float64(u.Limit)), u.Percent, mark)
		}
		m.printf("\n")
	}
	if len(r.NoLimit) > 0 {
		m.printf("Running without a memory limit: %s.\n\n", strings.Join(r.NoLimit, ", "))
	}
	if len(r.Stopped) > 0 {
		m.printf("### Exited and created containers\n\n| Container | Image | State | Status | Age | berth |\n| --- | --- | --- | --- | ---: | --- |\n")
		for _, s := range r.Stopped {
			m.printf("| %s | %s | %s | %s | %s | %s |\n", s.Name, s.Image, s.State, s.Status, ago(s.Age), yes(s.Berth))
		}
		m.printf("\n")
	}
	if len(r.Volumes) > 0 {
		m.printf("### Volumes no container uses\n\n| Volume | Size | berth |\n| --- | ---: | --- |\n")
		for _, v := range r.Volumes {
			size := "unknown"
			if v.Size >= 0 {
				size = units.HumanSize(float64(v.Size))
			}
			m.printf("| %s | %s | %s |\n", v.Name, size, yes(v.Berth))
		}
		m.printf("\n")
	}
	if len(r.StaleEnv) > 0 {
		m.printf("### berth environments past their stale age\n\n| Environment | Project | Age | Stale after | Containers | Running |\n| --- | --- | ---: | ---: | ---: | ---: |\n")
		for _, e := range r.StaleEnv {
			m.printf("| %s | %s | %s | %s | %d | %d |\n", e.ID, e.Project, ago(e.Age), ago(e.StaleAfter), e.Containers, e.Running)
		}
		m.printf("\n")
	}
}

// ago formats seconds compactly: 45s, 12m, 3h05m, 2d04h.
func ago(sec int64) string {
	d := time.Duration(sec) * time.Second
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", sec)
	case d < time.Hour:
		return fmt.Sprintf("%dm", sec/60)
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%02dm", sec/3600, sec%3600/60)
	}
	return fmt.Sprintf("%dd%02dh", sec/86400, sec%86400/3600)
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

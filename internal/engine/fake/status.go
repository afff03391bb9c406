package fake

import (
	"fmt"
	"time"

	"github.com/berth-dev/berth/internal/engine"
)

// statusText is the daemon's human status of a container, e.g.
// "Up 2 seconds (healthy)" or "Exited (137) 5 minutes ago".
func statusText(st engine.ContainerState, now time.Time) string {
	switch st.Status {
	case "running":
		s := "Up " + humanDuration(now.Sub(st.StartedAt))
		if st.Health != nil {
			switch st.Health.Status {
			case "starting":
				s += " (health: starting)"
			default:
				s += " (" + st.Health.Status + ")"
			}
		}
		return s
	case "exited":
		return fmt.Sprintf("Exited (%d) %s ago", st.ExitCode, humanDuration(now.Sub(st.FinishedAt)))
	}
	return "Created"
}

// humanDuration spells d roughly, as the docker CLI does.
func humanDuration(d time.Duration) string {
	switch s := int(d.Seconds()); {
	case s < 1:
		return "Less than a second"
	case s == 1:
		return "1 second"
	case s < 60:
		return fmt.Sprintf("%d seconds", s)
	case d < 2*time.Minute:
		return "About a minute"
	case d < time.Hour:
		return fmt.Sprintf("%d minutes", int(d.Minutes()))
	case d < 2*time.Hour:
		return "About an hour"
	}
	return fmt.Sprintf("%d hours", int(d.Hours()))
}

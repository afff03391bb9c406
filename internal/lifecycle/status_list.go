package lifecycle

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
)

// ListStatus is [Status] from one list call, with no inspection: enough
// to tell whether an environment is ready to reuse ([EnvStatus.Healthy]),
// not enough for its endpoints. Each container's health
// is read from the daemon's human status ("Up 3 minutes (healthy)"),
// which list has carried since API 1.18 (the health field of list came in
// 1.52); an exit code from "Exited (N) ..."; ports, memory
// limits and OOM kills are left empty.
// The warm path uses it for a shared environment its store knows ready,
// and falls back to [Status] whenever it does not say "reuse".
func ListStatus(ctx context.Context, e engine.Engine, envID string) (EnvStatus, error) {
	st := EnvStatus{EnvID: envID}
	cs, err := e.ContainerList(ctx, engine.ListFilter{All: true, Labels: map[string]string{labels.Env: envID}})
	if err != nil {
		return st, fmt.Errorf("status of %s: list containers: %w", envID, err)
	}
	for _, c := range cs {
		st.Services = append(st.Services, ServiceStatus{Service: c.Labels[labels.ComposeService], ContainerID: c.ID,
			Name: c.Name, State: c.State, Health: healthOf(c.Status), ExitCode: exitCodeOf(c.Status), StateLabel: c.Labels[labels.State],
			StateIDLabel: c.Labels[labels.StateID]})
	}
	slices.SortFunc(st.Services, func(a, b ServiceStatus) int {
		return cmp.Or(cmp.Compare(a.Service, b.Service), cmp.Compare(a.Name, b.Name))
	})
	return st, nil
}

// healthOf reads the health from a container's human status: "healthy",
// "unhealthy", "starting", or "" when it shows none.
func healthOf(status string) string {
	switch {
	case strings.HasSuffix(status, "(healthy)"):
		return "healthy"
	case strings.HasSuffix(status, "(unhealthy)"):
		return "unhealthy"
	case strings.HasSuffix(status, "(health: starting)"):
		return "starting"
	}
	return ""
}

// exitCodeOf reads N from a human status "Exited (N) ..."; -1 when a
// container shown exited gives none, 0 for any other status.
func exitCodeOf(status string) int {
	rest, ok := strings.CutPrefix(status, "Exited (")
	if !ok {
		return 0
	}
	n, _, ok := strings.Cut(rest, ")")
	if !ok {
		return -1
	}
	code, err := strconv.Atoi(n)
	if err != nil {
		return -1
	}
	return code
}

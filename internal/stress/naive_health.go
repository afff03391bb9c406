package stress

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/labels"
)

// healthPoll is how often the naive health wait asks docker inspect.
const healthPoll = 500 * time.Millisecond

// inspected is the part of docker inspect the health wait reads.
type inspected struct {
	Name  string
	State struct {
		Status string
		Health *struct{ Status string }
	}
	NetworkSettings struct {
		Ports map[string][]struct{ HostIp, HostPort string }
	}
}

// waitHealthy polls docker inspect until every container of project is
// running and, when it has a health check, healthy; it returns their
// published TCP host ports.
func (n *Naive) waitHealthy(ctx context.Context, project string) ([]string, error) {
	deadline := time.Now().Add(n.WaitTimeout)
	last := "no container found"
	for {
		ports, state, err := n.inspect(ctx, project)
		if err == nil && state == "" {
			return ports, nil
		}
		if err != nil {
			last = err.Error()
		} else {
			last = state
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("project %s not healthy after %s: %s", project, n.WaitTimeout, last)
		}
		t := time.NewTimer(healthPoll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// inspect returns project's published ports and "" when every container
// is ready, else a description of one that is not.
func (n *Naive) inspect(ctx context.Context, project string) ([]string, string, error) {
	ids, err := exec.CommandContext(ctx, n.Docker, "ps", "-aq", "--filter", "label="+labels.ComposeProject+"="+project).Output()
	if err != nil {
		return nil, "", fmt.Errorf("docker ps: %w", err)
	}
	args := append([]string{"inspect"}, strings.Fields(string(ids))...)
	if len(args) == 1 {
		return nil, "no container yet", nil
	}
	out, err := exec.CommandContext(ctx, n.Docker, args...).Output()
	if err != nil {
		return nil, "", fmt.Errorf("docker inspect: %w", err)
	}
	var cs []inspected
	if err := json.Unmarshal(out, &cs); err != nil {
		return nil, "", fmt.Errorf("docker inspect: %w", err)
	}
	var ports []string
	for _, c := range cs {
		if c.State.Status != "running" {
			return nil, c.Name + " is " + c.State.Status, nil
		}
		if c.State.Health != nil && c.State.Health.Status != "healthy" {
			return nil, c.Name + " is " + c.State.Health.Status, nil
		}
		for p, bs := range c.NetworkSettings.Ports {
			if !strings.HasSuffix(p, "/tcp") {
				continue
			}
			for _, b := range bs {
				if b.HostPort != "" && !strings.Contains(b.HostIp, ":") {
					ports = append(ports, b.HostPort)
				}
			}
		}
	}
	return ports, "", nil
}

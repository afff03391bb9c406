package stress

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lifecycle"
)

// healthPoll is how often the naive health wait asks docker inspect.
const healthPoll = 500 * time.Millisecond

// outputKept bounds the command output kept in a failure's message.
const outputKept = 600

// cycle is one naive run on project: up -d, wait until every container is
// running and healthy, connect to each published port, and down -v
// whatever happened before. It returns the first failure's exit code
// (1 for the health wait and the connects) with its error.
func (n *Naive) cycle(ctx context.Context, project string) (int, error) {
	base := n.argv(project)
	code, err := n.command(ctx, append(base, "up", "-d")...)
	if err == nil {
		ports, werr := n.waitHealthy(ctx, project)
		if werr == nil {
			werr = dialAll(ctx, ports)
		}
		if werr != nil {
			code, err = 1, werr
		}
	}
	// down runs whatever happened, as a test script's cleanup trap does.
	downCode, downErr := n.command(ctx, append(base, "down", "-v")...)
	if err != nil {
		return code, err
	}
	return downCode, downErr
}

// command runs argv; a failure carries its exit code and the tail of its
// output.
func (n *Naive) command(ctx context.Context, argv ...string) (int, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), n.Env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err == nil {
		return 0, nil
	}
	code := -1
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	}
	msg := strings.TrimSpace(out.String())
	if len(msg) > outputKept {
		msg = "..." + msg[len(msg)-outputKept:]
	}
	return code, fmt.Errorf("%s: %w: %s", strings.Join(argv, " "), err, msg)
}

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

func dialAll(ctx context.Context, ports []string) error {
	if len(ports) == 0 {
		return errors.New("connect: no published TCP port")
	}
	d := net.Dialer{Timeout: dialTimeout}
	for _, p := range ports {
		c, err := d.DialContext(ctx, "tcp", net.JoinHostPort("127.0.0.1", p))
		if err != nil {
			return fmt.Errorf("connect to port %s: %w", p, err)
		}
		_ = c.Close()
	}
	return nil
}

// cleanup takes down what the naive load left: compose down for each
// project, then whatever remains by ID through berth's gate (graceful
// stop, removal without force; the ambiguous duplicate networks compose
// v1 leaves can only be removed by ID).
func (n *Naive) cleanup(ctx context.Context, c Config) error {
	projects := []string{n.Project}
	if c.Mode == ModeDedicated {
		projects = projects[:0]
		for i := 1; i <= c.Runners; i++ {
			projects = append(projects, n.project(c.Mode, i))
		}
	}
	for _, p := range projects {
		_, _ = n.command(ctx, append(n.argv(p), "down", "-v", "--remove-orphans")...)
	}
	f := engine.ListFilter{All: true, Labels: map[string]string{labels.ComposeProject: ""}}
	var errs []error
	cs, err := c.Engine.ContainerList(ctx, f)
	errs = append(errs, err)
	for _, ct := range cs {
		if n.mine(ct.Labels) {
			_, err := lifecycle.StopAndRemove(ctx, c.Engine, ct.ID, lifecycle.StopOptions{})
			errs = append(errs, err)
		}
	}
	ns, err := c.Engine.NetworkList(ctx, f)
	errs = append(errs, err)
	for _, nw := range ns {
		if n.mine(nw.Labels) {
			errs = append(errs, c.Engine.NetworkRemove(ctx, nw.ID))
		}
	}
	vs, err := c.Engine.VolumeList(ctx, f)
	errs = append(errs, err)
	for _, v := range vs {
		if n.mine(v.Labels) {
			errs = append(errs, c.Engine.VolumeRemove(ctx, v.Name))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("clean up after the naive load: %w", err)
	}
	return nil
}

// argv is the compose command for project, before its subcommand.
func (n *Naive) argv(project string) []string {
	argv := append(append([]string{}, n.Compose...), "-p", project)
	if n.ProjectDir != "" {
		argv = append(argv, "--project-directory", n.ProjectDir)
	}
	for _, f := range n.Files {
		argv = append(argv, "-f", f)
	}
	return argv
}

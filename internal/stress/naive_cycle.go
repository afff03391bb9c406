package stress

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
)

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

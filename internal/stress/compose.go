package stress

import (
	"context"
	"errors"
	"os/exec"
)

// composeV1 is where Debian's docker-compose (v1) lives.
const composeV1 = "/usr/bin/docker-compose"

// FindCompose returns the compose command the naive load uses: compose v2
// (`docker compose`) when the docker CLI has it, else docker-compose v1
// on PATH or at /usr/bin/docker-compose. It asks the docker CLI for its
// plugin's version only; no call reaches the daemon.
func FindCompose(ctx context.Context, docker string) ([]string, error) {
	if err := exec.CommandContext(ctx, docker, "compose", "version").Run(); err == nil {
		return []string{docker, "compose"}, nil
	}
	if p, err := exec.LookPath("docker-compose"); err == nil {
		return []string{p}, nil
	}
	if p, err := exec.LookPath(composeV1); err == nil {
		return []string{p}, nil
	}
	return nil, errors.New("--compare-naive needs docker compose (v2) or docker-compose (v1); neither was found")
}

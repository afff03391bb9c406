package image

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Module is the module whose testsvc command Ensure builds.
const Module = "github.com/berth-dev/berth"

// MainPackage is the testsvc command, relative to the module root.
const MainPackage = "./internal/testsvc/cmd/testsvc"

// ModuleRoot finds the root of [Module]: the nearest go.mod upward from the
// working directory that declares it, else what `go list -m` reports.
func ModuleRoot(ctx context.Context) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find module root: %w", err)
	}
	for {
		if declaresModule(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	out, err := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}", Module).Output()
	if err != nil {
		return "", fmt.Errorf("find module root of %s: no go.mod declares it above the working directory, and go list: %w", Module, err)
	}
	return strings.TrimSpace(string(out)), nil
}

func declaresModule(gomod string) bool {
	f, err := os.Open(gomod)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) == 2 && fields[0] == "module" {
			return strings.Trim(fields[1], `"`) == Module
		}
	}
	return false
}

// Build compiles the static testsvc binary for linux/arch ("" means this
// machine's architecture) from the module at root and returns its bytes.
// The build is reproducible (-trimpath, no VCS stamp), so the same sources
// and toolchain give the same bytes.
func Build(ctx context.Context, root, arch string) ([]byte, error) {
	if arch == "" {
		arch = runtime.GOARCH
	}
	tmp, err := os.MkdirTemp("", "berth-testsvc-")
	if err != nil {
		return nil, fmt.Errorf("build testsvc: %w", err)
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "testsvc")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false",
		"-ldflags=-s -w", "-o", out, MainPackage)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("build testsvc (go build in %s): %w\n%s", root, err, stderr.String())
		}
		return nil, fmt.Errorf("build testsvc (is the go command on PATH?): %w", err)
	}
	bin, err := os.ReadFile(out)
	if err != nil {
		return nil, fmt.Errorf("build testsvc: %w", err)
	}
	return bin, nil
}

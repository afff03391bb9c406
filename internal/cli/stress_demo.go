package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/connect"
	"github.com/berth-dev/berth/internal/testsvc/image"
)

// demoImageVar names the test-service image in the demo stack.
const demoImageVar = "BERTH_TESTSVC_IMAGE"

// stressStack is the stack berth stress runs: the files given (made
// absolute), else the current directory's compose file, else, in a
// checkout of berth, the demo stack (examples/demo/compose.yaml). For the
// demo it also returns the test-service image to run it with, built from
// the checkout and imported into the daemon when BERTH_TESTSVC_IMAGE is
// unset (as `go run ./examples/demo` does); "" otherwise.
func stressStack(ctx context.Context, s Streams, given []string) (files []string, img string, err error) {
	for _, f := range given {
		abs, err := filepath.Abs(f)
		if err != nil {
			return nil, "", usageError{err}
		}
		files = append(files, abs)
	}
	wd, err := os.Getwd()
	if err != nil {
		return nil, "", err
	}
	if len(files) > 0 || compose.HasDefaultFile(wd) {
		return files, "", nil
	}
	root, err := image.ModuleRoot(ctx)
	demo := filepath.Join(root, "examples", "demo", "compose.yaml")
	if err != nil || !fileExists(demo) {
		// Not in a checkout: the usual "no compose file found" follows.
		return nil, "", nil
	}
	fmt.Fprintf(s.Err, "berth stress: no compose file here; running the demo stack (%s)\n", demo)
	if img = s.Getenv(demoImageVar); img != "" {
		return []string{demo}, img, nil
	}
	conn, err := connect.FromEnv(s.Getenv, logger(s))
	if err != nil {
		return nil, "", err
	}
	defer conn.Close()
	if img, err = image.Ensure(ctx, conn, logger(s)); err != nil {
		return nil, "", fmt.Errorf("build the demo's test-service image: %w", err)
	}
	return []string{demo}, img, nil
}

func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}

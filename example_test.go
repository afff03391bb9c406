package berth_test

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/engine/docker"
	"github.com/berth-dev/berth/internal/testsvc/image"
)

// TestMain prepares what the example needs: the local test-service image
// (named by BERTH_TESTSVC_IMAGE in the demo compose file) and a private
// state directory. Without a daemon the example cannot run: it is left out
// (the unit tests still run) unless BERTH_INTEGRATION=1, where that is a
// failure.
func TestMain(m *testing.M) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	e, err := docker.New(docker.Options{})
	if err == nil {
		_, err = e.Ping(ctx)
	}
	if err == nil {
		var ref string
		ref, err = image.Ensure(ctx, e, slog.New(slog.DiscardHandler))
		os.Setenv("BERTH_TESTSVC_IMAGE", ref)
	}
	if err != nil {
		if os.Getenv("BERTH_INTEGRATION") == "1" {
			fmt.Fprintln(os.Stderr, "berth example: no daemon or test image:", err)
			os.Exit(1)
		}
		// The unit tests run over the fake engine; only the example
		// needs the daemon.
		fmt.Println("berth example: not run, no Docker daemon:", err)
		flag.Parse()
		if err := flag.Set("test.skip", "^ExampleAcquire$"); err != nil {
			panic(err)
		}
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "berth-example-")
	if err != nil {
		panic(err)
	}
	os.Setenv("BERTH_STATE_DIR", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// A test suite's TestMain acquires the stack once, hands its endpoints to
// the tests, and releases it at the end; parallel test processes share one
// copy (or take their own with Dedicated).
func ExampleAcquire() {
	ctx := context.Background()
	linger := time.Duration(0) // tear down as soon as the last holder is done
	env, err := berth.Acquire(ctx, berth.Options{Files: []string{"examples/demo/compose.yaml"}, Linger: &linger})
	if err != nil {
		fmt.Println("acquire:", err)
		return
	}
	defer env.Release(ctx)

	addr, err := env.Endpoint("backend", 8080) // what BERTH_BACKEND_PORT_8080 holds
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println("backend:", resp.Status)
	// Output: backend: 200 OK
}

package itest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/docker"
	"github.com/berth-dev/berth/internal/testsvc/image"
)

// EnvIntegration, set to "1", turns an unreachable daemon into a failure.
const EnvIntegration = "BERTH_INTEGRATION"

// LabelKey is the label [Label] sets on test resources.
const LabelKey = "dev.berth.test"

// Marker starts the line [Engine] logs for every test that reaches the
// daemon; scripts/test counts these lines to prove integration tests ran.
const Marker = "itest: daemon"

// runID tells this test process's resources from every other's. It is
// set once at start-up and never changes.
var runID = newRunID()

// Engine returns the real Docker engine chosen by the environment, after a
// ping (5 s). If the daemon is unreachable the test fails when
// BERTH_INTEGRATION=1 and is skipped otherwise. The engine is closed when
// the test ends. It logs "itest: daemon <version> api <api> test <name>".
func Engine(t testing.TB) engine.Engine {
	t.Helper()
	e, err := docker.New(docker.Options{})
	if err != nil {
		unavailable(t, fmt.Errorf("create docker engine: %w", err))
		return nil
	}
	t.Cleanup(func() { _ = e.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := e.Ping(ctx); err != nil {
		unavailable(t, fmt.Errorf("ping docker daemon at %s: %w", e.Endpoint(), err))
		return nil
	}
	v, err := e.Version(ctx)
	if err != nil {
		unavailable(t, fmt.Errorf("read docker daemon version at %s: %w", e.Endpoint(), err))
		return nil
	}
	t.Logf("%s %s api %s test %s", Marker, v.ServerVersion, v.APIVersion, t.Name())
	return e
}

func unavailable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv(EnvIntegration) == "1" {
		t.Fatalf("integration test needs a Docker daemon (%s=1): %v", EnvIntegration, err)
	}
	t.Skipf("no Docker daemon (set %s=1 to fail instead): %v", EnvIntegration, err)
}

// imageOnce builds the test image once per test process; the image is the
// same for every test, so the cache is safe to share.
var imageOnce struct {
	once sync.Once
	ref  string
	err  error
}

// Image returns the reference of the local test-service image (see
// [image.Ensure]), building and importing it on first use in this test
// process. The test fails if that fails.
func Image(t testing.TB, e engine.Engine) string {
	t.Helper()
	imageOnce.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		imageOnce.ref, imageOnce.err = image.Ensure(ctx, e, Logger(t))
	})
	if imageOnce.err != nil {
		t.Fatalf("test image: %v", imageOnce.err)
	}
	return imageOnce.ref
}

// Label returns {LabelKey: id}, where id is unique to this test in this
// process and to this process among all others, and the same on every
// call within the test. Put it on everything the test creates and clean
// up by it.
func Label(t testing.TB) map[string]string {
	return map[string]string{LabelKey: ID(t)}
}

// ID is the value of [Label]: "<test name>.<process run id>".
func ID(t testing.TB) string {
	return t.Name() + "." + runID
}

// Logger returns a slog logger that writes to the test's output.
func Logger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func newRunID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return fmt.Sprintf("%d-%s", os.Getpid(), hex.EncodeToString(b))
}

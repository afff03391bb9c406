// Command demo is berth's main job on an embedded default: it builds the
// local test-service image if needed, brings the demo stack (compose.yaml
// beside this file) up through berth, checks every service's endpoint, and
// tears the stack down.
//
//	go run ./examples/demo
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/connect"
	"github.com/berth-dev/berth/internal/testsvc/image"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	conn, err := connect.FromEnv(os.Getenv, log)
	if err != nil {
		return err
	}
	ref, err := image.Ensure(ctx, conn, log)
	conn.Close()
	if err != nil {
		return fmt.Errorf("build the test-service image: %w", err)
	}
	fmt.Println("test-service image:", ref)
	os.Setenv("BERTH_TESTSVC_IMAGE", ref)

	start := time.Now()
	linger := time.Duration(0)
	env, err := berth.Acquire(ctx, berth.Options{Files: []string{composeFile()}, Progress: os.Stderr, Linger: &linger})
	if err != nil {
		return err
	}
	fmt.Printf("environment %s ready in %s\n", env.ID, time.Since(start).Round(time.Millisecond))
	checkErr := check(ctx, env)
	start = time.Now()
	if err := env.Release(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("release: %w", err)
	}
	fmt.Printf("released and torn down in %s\n", time.Since(start).Round(time.Millisecond))
	return checkErr
}

// check asks every service's /healthz through its published endpoint.
func check(ctx context.Context, env *berth.Env) error {
	vars := env.Vars()
	var services []string
	for k := range vars {
		if s, ok := strings.CutSuffix(k, "_HOST"); ok {
			services = append(services, strings.TrimPrefix(s, "BERTH_"))
		}
	}
	slices.Sort(services)
	client := &http.Client{Timeout: 2 * time.Second}
	for _, s := range services {
		url := fmt.Sprintf("http://%s:%s/healthz", vars["BERTH_"+s+"_HOST"], vars["BERTH_"+s+"_PORT"])
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		if err != nil {
			return fmt.Errorf("check %s at %s: %w", s, url, err)
		}
		resp.Body.Close()
		fmt.Printf("  %-10s %s -> %s\n", strings.ToLower(s), url, resp.Status)
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("check %s at %s: %s", s, url, resp.Status)
		}
	}
	return nil
}

// composeFile is compose.yaml beside this source file, so the demo runs
// from any working directory of the checkout.
func composeFile() string {
	_, file, _, ok := runtime.Caller(0)
	if ok {
		if p := filepath.Join(filepath.Dir(file), "compose.yaml"); fileExists(p) {
			return p
		}
	}
	return filepath.Join("examples", "demo", "compose.yaml")
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

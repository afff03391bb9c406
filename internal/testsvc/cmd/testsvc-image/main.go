// Command testsvc-image builds the test-service image into the Docker
// daemon chosen by the environment (DOCKER_HOST, the docker context) and
// prints its reference. scripts/test runs it before the tests.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"time"

	"github.com/berth-dev/berth/internal/engine/docker"
	"github.com/berth-dev/berth/internal/testsvc/image"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "testsvc-image:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	e, err := docker.New(docker.Options{})
	if err != nil {
		return err
	}
	defer e.Close()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ref, err := image.Ensure(ctx, e, log)
	if err != nil {
		return err
	}
	fmt.Println(ref)
	return nil
}

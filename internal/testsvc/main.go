package testsvc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Main runs the testsvc command with args (without the program name) and
// returns the process exit code: "probe ..." runs [Probe]; "cat" copies
// stdin to stdout (for exec tests: the image has no shell); otherwise the
// service runs until SIGINT or SIGTERM (exit 0) or a crash (its exit code).
// With IgnoreSIGTERM, SIGTERM is ignored at the OS level. Bad configuration
// exits 2.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) > 0 && args[0] == "probe" {
		return runProbe(context.Background(), args[1:], getenv, stderr)
	}
	if len(args) > 0 && args[0] == "cat" {
		if _, err := io.Copy(stdout, stdin); err != nil {
			fmt.Fprintf(stderr, "testsvc cat: %v\n", err)
			return 1
		}
		return 0
	}
	cfg, err := Parse(args, getenv, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "testsvc: %v\n", err)
		return 2
	}
	sigs := []os.Signal{os.Interrupt}
	if cfg.IgnoreSIGTERM {
		signal.Ignore(syscall.SIGTERM)
	} else {
		sigs = append(sigs, syscall.SIGTERM)
	}
	ctx, stop := signal.NotifyContext(context.Background(), sigs...)
	defer stop()
	err = NewServer(cfg, Options{Stdout: stdout}).Run(ctx)
	var exit *ExitError
	switch {
	case errors.As(err, &exit):
		return exit.Code
	case err != nil:
		fmt.Fprintf(stderr, "testsvc: %v\n", err)
		return 1
	}
	return 0
}

package testsvc

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// ProbeTimeout bounds a whole probe.
const ProbeTimeout = 2 * time.Second

// Probe GETs http://127.0.0.1:port/healthz and returns nil on 200, an
// error otherwise. It gives up after [ProbeTimeout] or when ctx ends.
func Probe(ctx context.Context, port int) error {
	ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	defer cancel()
	url := "http://127.0.0.1:" + strconv.Itoa(port) + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("probe %s: %w", url, err)
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}} // no proxy
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("probe %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("probe %s: status %d: %s", url, resp.StatusCode, body)
	}
	return nil
}

// runProbe is "testsvc probe [--port N]": the default port is the first of
// TESTSVC_PORTS, else [DefaultPort]. It returns the exit code: 0 healthy,
// 1 not, 2 bad usage.
func runProbe(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) int {
	def := DefaultPort
	if v := getenv("TESTSVC_PORTS"); v != "" {
		ports, err := ParsePorts(v)
		if err != nil {
			fmt.Fprintf(stderr, "testsvc probe: TESTSVC_PORTS: %v\n", err)
			return 2
		}
		def = ports[0]
	}
	fs := flag.NewFlagSet("testsvc probe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	port := fs.Int("port", def, "port to probe on 127.0.0.1")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := Probe(ctx, *port); err != nil {
		fmt.Fprintf(stderr, "testsvc probe: %v\n", err)
		return 1
	}
	return 0
}

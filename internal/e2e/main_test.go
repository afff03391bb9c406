package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/cli"
)

// roleEnv makes this test binary act as another program: "berth" (the
// command line) or "check" (a test command berth runs).
const roleEnv = "BERTH_E2E_ROLE"

func TestMain(m *testing.M) {
	switch os.Getenv(roleEnv) {
	case "berth":
		os.Exit(cli.Main(context.Background(), os.Args[1:], cli.OSStreams()))
	case "check":
		os.Exit(check())
	case "check-late":
		os.Exit(checkLate())
	case hostRole:
		os.Exit(runHost())
	case "revive":
		os.Exit(reviveAll())
	}
	code := m.Run()
	for _, f := range cleanups {
		f()
	}
	os.Exit(code)
}

// checkLate is a test command that holds its lease first: it prints
// "started", waits for its stdin to close, and only then calls every
// service (as check does): the call at the end of a long test.
func checkLate() int {
	fmt.Println("started")
	_, _ = io.Copy(io.Discard, os.Stdin)
	return check()
}

// check is the command berth run runs in these tests: it asks every
// service's /healthz at its BERTH_* endpoint, prints "ready" and the
// endpoint variables (BERTH_*_HOST, BERTH_*_PORT*) as JSON, then waits for its stdin to close so the
// test decides how long it holds its lease.
func check() int {
	vars := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "BERTH_") && (strings.HasSuffix(k, "_HOST") || strings.Contains(k, "_PORT")) {
			vars[k] = v
		}
	}
	var services []string
	for k := range vars {
		if s, ok := strings.CutSuffix(k, "_HOST"); ok {
			services = append(services, strings.TrimPrefix(s, "BERTH_"))
		}
	}
	sort.Strings(services)
	if len(services) == 0 {
		fmt.Fprintln(os.Stderr, "check: no BERTH_*_HOST variables")
		return 1
	}
	client := &http.Client{Timeout: 5 * time.Second}
	for _, s := range services {
		url := fmt.Sprintf("http://%s:%s/healthz", vars["BERTH_"+s+"_HOST"], vars["BERTH_"+s+"_PORT"])
		resp, err := client.Get(url)
		if err != nil {
			fmt.Fprintf(os.Stderr, "check: %s: %v\n", url, err)
			return 1
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			fmt.Fprintf(os.Stderr, "check: %s: %s\n", url, resp.Status)
			return 1
		}
	}
	b, _ := json.Marshal(vars)
	fmt.Printf("ready %s\n", b)
	_, _ = io.Copy(io.Discard, os.Stdin)
	return 0
}

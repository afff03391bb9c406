package api

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/berthtest"
)

func TestMain(m *testing.M) {
	if os.Getenv("BERTH_EXAMPLES") != "1" {
		fmt.Println("example not run: it needs a Docker daemon; set BERTH_EXAMPLES=1")
		return
	}
	berthtest.Main(m, berth.Options{Files: []string{"../compose.yaml"}})
}

func TestAPIIsHealthy(t *testing.T) {
	resp, err := http.Get("http://" + berthtest.Endpoint(t, "api", 8080) + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != "ok" {
		t.Fatalf("GET /healthz: %s %q", resp.Status, body)
	}
}

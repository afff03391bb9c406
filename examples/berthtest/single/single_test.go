package single

import (
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/berthtest"
)

func TestDBAnswersWithItsName(t *testing.T) {
	if os.Getenv("BERTH_EXAMPLES") != "1" {
		t.Skip("example: needs a Docker daemon; set BERTH_EXAMPLES=1")
	}
	env := berthtest.Acquire(t, berth.Options{Files: []string{"../compose.yaml"}})
	addr, err := env.Endpoint("db", 5432)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), "db") {
		t.Fatalf("GET /: %s %q, want the service's name", resp.Status, body)
	}
}

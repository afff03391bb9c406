package db

import (
	"fmt"
	"net"
	"os"
	"testing"
	"time"

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

func TestDBAcceptsConnections(t *testing.T) {
	conn, err := net.DialTimeout("tcp", berthtest.Endpoint(t, "db", 5432), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
}

func TestEnvironmentIsNamed(t *testing.T) {
	if os.Getenv("BERTH_ENV") == "" {
		t.Fatal("BERTH_ENV is not set")
	}
}

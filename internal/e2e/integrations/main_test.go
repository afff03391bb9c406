//go:build linux

package integrations

import (
	"context"
	"os"
	"testing"

	"github.com/berth-dev/berth/internal/cli"
)

// roleEnv, set to "berth", makes this test binary act as the berth command.
const roleEnv = "BERTH_INTEGRATIONS_ROLE"

func TestMain(m *testing.M) {
	if os.Getenv(roleEnv) == "berth" {
		os.Exit(cli.Main(context.Background(), os.Args[1:], cli.OSStreams()))
	}
	os.Exit(m.Run())
}

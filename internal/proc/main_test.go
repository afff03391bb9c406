package proc

import (
	"io"
	"os"
	"testing"
)

// childEnv makes the test binary act as a child process that runs until its
// stdin is closed (see TestExitedChildIsNotAlive).
const childEnv = "BERTH_PROC_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

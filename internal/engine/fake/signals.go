package fake

import (
	"slices"
	"strconv"
	"strings"

	"github.com/berth-dev/berth/internal/engine"
)

// signalNumber parses "SIGTERM", "TERM" or "15"; an unknown signal is
// ErrInvalid, as the daemon answers.
func signalNumber(op engine.Op, sig string) (int, error) {
	if n, err := strconv.Atoi(sig); err == nil && n > 0 && n < 65 {
		return n, nil
	}
	switch strings.TrimPrefix(strings.ToUpper(sig), "SIG") {
	case "HUP":
		return 1, nil
	case "INT":
		return 2, nil
	case "QUIT":
		return 3, nil
	case "KILL":
		return 9, nil
	case "USR1":
		return 10, nil
	case "USR2":
		return 12, nil
	case "TERM":
		return 15, nil
	}
	return 0, errorf(op, engine.ErrInvalid, "Invalid signal: %s", sig)
}

// signalEffect says whether signal num ends container c and with which
// exit code. SIGKILL always does (137). SIGTERM and SIGINT end the test
// service with code 0 unless its Env has TESTSVC_IGNORE_SIGTERM=1 (or
// true, yes), which makes it ignore every signal but SIGKILL; other
// signals are ignored, as PID 1 ignores signals it has no handler for.
func signalEffect(c *container, num int) (dies bool, code int) {
	switch {
	case num == 9:
		return true, 137
	case ignoresSIGTERM(c.envValue("TESTSVC_IGNORE_SIGTERM")):
		return false, 0
	case num == 15 || num == 2:
		return true, 0
	}
	return false, 0
}

// ignoresSIGTERM reads TESTSVC_IGNORE_SIGTERM as the test service does.
func ignoresSIGTERM(v string) bool {
	return slices.Contains([]string{"1", "true", "yes"}, strings.ToLower(strings.TrimSpace(v)))
}

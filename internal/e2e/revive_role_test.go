package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"

	"github.com/berth-dev/berth"
)

// revived is one line of reviveAll's output.
type revived struct {
	Env      string   `json:"env"`
	Services []string `json:"services"`
	Err      string   `json:"err,omitempty"`
}

// reviveAll is a process that does what berth serve does when the daemon
// answers again: Manager.Revive over the daemon and state directory its
// environment names, one JSON line per environment it started again.
func reviveAll() int {
	m, err := berth.Open(os.Getenv, slog.New(slog.NewTextHandler(os.Stderr, nil)))
	if err != nil {
		fmt.Fprintln(os.Stderr, "revive:", err)
		return 1
	}
	defer m.Close()
	got, err := m.Revive(context.Background())
	for _, r := range got {
		line := revived{Env: r.EnvID, Services: r.Services}
		if r.Err != nil {
			line.Err = r.Err.Error()
		}
		b, _ := json.Marshal(line)
		fmt.Println(string(b))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "revive:", err)
		return 1
	}
	return 0
}

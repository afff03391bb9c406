package gatetest

import (
	"os"
	"testing"

	"github.com/berth-dev/berth/internal/gate"
)

func TestMain(m *testing.M) {
	Child(func() (gate.Backend, error) { return gate.Files{}, nil })
	os.Exit(m.Run())
}

// The one-host backend passes the contract.
func TestFiles(t *testing.T) {
	Run(t, func() (gate.Backend, error) { return gate.Files{}, nil },
		func(t *testing.T) gate.Scope { return gate.Scope{Dir: t.TempDir()} })
}

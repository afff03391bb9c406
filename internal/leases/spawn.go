package leases

import (
	"fmt"
	"os/exec"
)

// Spawn starts argv as a detached process (a session of its own, no
// terminal, none of the caller's standard streams) and does not wait for
// it: for background work that outlives the command that asked for it
// (the warm pool's refill). The child inherits the environment and the
// working directory.
func Spawn(argv []string) error {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.SysProcAttr = detached()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", argv[0], err)
	}
	go func() { _ = cmd.Wait() }() // reap it if this process outlives it
	return nil
}

// Command testsvc is the fault-injection service of berth's test stacks;
// see package [github.com/berth-dev/berth/internal/testsvc].
package main

import (
	"os"

	"github.com/berth-dev/berth/internal/testsvc"
)

func main() {
	os.Exit(testsvc.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

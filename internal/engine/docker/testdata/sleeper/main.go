// Command sleeper is the tiny static program the docker adapter's
// integration test packs into an imported image. Without arguments it
// writes one line to stdout and one to stderr, then waits for SIGTERM or
// SIGINT and exits 0. "probe" exits 0; "echo ARGS" prints ARGS; "exit N"
// exits with status N.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "probe":
			return
		case "echo":
			fmt.Println(strings.Join(os.Args[2:], " "))
			return
		case "exit":
			code, _ := strconv.Atoi(os.Args[2])
			fmt.Fprintln(os.Stderr, "exiting with", code)
			os.Exit(code)
		}
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	fmt.Println("sleeper started")
	fmt.Fprintln(os.Stderr, "sleeper stderr")
	<-sig
}

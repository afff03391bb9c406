package leases

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"testing"
)

// The test binary doubles as the processes the tests need (selected by
// $BERTH_LEASES_TEST):
//
//	hold DIR            hold a new lease lock in DIR, print its name, wait for stdin to close
//	probe DIR NAME N    probe lock NAME N times, print how often it was held
//	wait                wait for stdin to close (a holder to follow)
//	keeper ARGS...      run Keep with the keeper's flags (as berth keep-lease does)
const roleEnv = "BERTH_LEASES_TEST"

func TestMain(m *testing.M) {
	switch os.Getenv(roleEnv) {
	case "":
		os.Exit(m.Run())
	case "hold":
		h, err := Locks{Dir: os.Args[1]}.Create()
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println(h.Name)
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	case "probe":
		n, _ := strconv.Atoi(os.Args[3])
		held := 0
		for range n {
			ok, err := Locks{Dir: os.Args[1]}.Probe(os.Args[2])
			if err != nil {
				fmt.Println("error:", err)
				os.Exit(1)
			}
			if ok {
				held++
			}
		}
		fmt.Println(held)
		os.Exit(0)
	case "wait":
		_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
		os.Exit(0)
	case "keeper":
		os.Exit(runKeeperArgs(os.Args[1:]))
	}
	os.Exit(2)
}

// runKeeperArgs parses "--lock P --holder-pid N --holder-start S".
func runKeeperArgs(args []string) int {
	var path string
	var pid int
	var start uint64
	fd := -1
	for i := 0; i+1 < len(args); i += 2 {
		switch args[i] {
		case "--lock":
			path = args[i+1]
		case "--holder-pid":
			pid, _ = strconv.Atoi(args[i+1])
		case "--lock-fd":
			fd, _ = strconv.Atoi(args[i+1])
		case "--holder-start":
			start, _ = strconv.ParseUint(args[i+1], 10, 64)
		}
	}
	if err := Keep(path, fd, pid, start, os.Stdout); err != nil {
		return 1
	}
	return 0
}

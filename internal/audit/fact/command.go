package fact

// Sink is how a command line reaches a process.
type Sink string

// Sinks.
const (
	SinkShell  Sink = "shell"    // a shell script
	SinkMake   Sink = "makefile" // a Makefile recipe line
	SinkCI     Sink = "ci"       // a run:/script: block of a CI file
	SinkPython Sink = "python"   // subprocess.*, os.system, os.popen
	SinkGo     Sink = "go"       // exec.Command, exec.CommandContext
)

// Command is one command line a scanned file runs: a simple command of a
// shell script, Makefile recipe or CI block, or the argument vector of a
// subprocess or exec call (a "sh -c STRING" argument is scanned as shell
// and gives commands of its own, with the caller's location).
type Command struct {
	Loc  Loc
	Sink Sink
	// Args are the words, program first. A word not known statically
	// contains [Unknown]; a variadic tail ("args...") is one such word.
	Args []string
	// Env holds the assignments that prefix the command
	// (VAR=value cmd ...), those the file exports before it, and a CI
	// job's env: section. Values may contain [Unknown].
	Env map[string]string
	// Background is set for a shell command started with "&".
	Background bool
	// Timeout tells, for process sinks (Python, Go), whether the call
	// bounds the command's run time. Shell sinks leave it [TimeoutNA].
	Timeout Timeout
	Ctx     Context
}

// Timeout says whether a process call bounds its command's run time.
type Timeout int

// Timeouts.
const (
	TimeoutNA   Timeout = iota // not a process call (shell, Makefile, CI)
	TimeoutSet                 // timeout= given, or a context that may carry a deadline
	TimeoutNone                // no timeout is possible or none was given
)

// Context is where a command or call sits in its file's control flow.
type Context struct {
	// Block identifies the statement list the statement belongs to,
	// unique within a file; Step is the statement's position in it.
	// Commands chained with && || ; in one shell statement take
	// consecutive steps. Two facts are adjacent when they share Block
	// and their Steps differ by one.
	Block, Step int
	// Loop is the innermost enclosing loop or retry, nil when none.
	Loop *Loop
	// Test is set in test code: Go _test.go files, Python test modules
	// and conftest.py, files under a test directory.
	Test bool
}

// Loop is a loop or a retry construct around commands or calls.
type Loop struct {
	Loc Loc
	// Bounded is set when the loop cannot run forever: it iterates a
	// finite collection, its condition compares a counter, or a retry
	// declares a stop.
	Bounded bool
	// Delay is set when its body sleeps, waits on a timer or channel, or
	// the retry declares a wait.
	Delay bool
}

package fact

// Call is a Docker SDK call: a method of the Python docker package
// (container.remove(force=True), client.volumes.prune()) or of the Go
// Docker client, found by its name and its options.
type Call struct {
	Loc  Loc
	Lang string // "python" or "go"
	// Method is the called name without its receiver: "remove",
	// "ContainerRemove", "prune", "VolumesPrune".
	Method string
	// Receiver is the dotted receiver as written ("client.containers",
	// "self.docker"); "" for a plain function.
	Receiver string
	// Options are the keyword arguments (Python) or the fields of a
	// composite-literal options argument (Go), as source text:
	// {"force": "True"}, {"Force": "true"}, {"timeout": "0"}.
	Options map[string]string
	// Target is the first positional argument's source text when it is
	// a plain name or literal (for matching a stop with its remove); Go
	// calls skip the context argument.
	Target string
	// Args are the positional arguments' source texts.
	Args []string
	// SDK is set when the file imports a Docker SDK (Python: docker,
	// testcontainers, python_on_whales; Go calls are only recorded when
	// their options are the SDK's types): a .restart() elsewhere may be
	// anything's.
	SDK bool
	Ctx Context
}

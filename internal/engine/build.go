package engine

import (
	"io"
	"time"
)

// Builders an [Engine] may build with ([BuildProgress.Builder]).
const (
	// BuilderBuildKit is the daemon's built-in BuildKit, reached over the
	// Engine API (/grpc and /session), as the docker CLI does with
	// DOCKER_BUILDKIT=1.
	BuilderBuildKit = "buildkit"
	// BuilderClassic is the daemon's classic builder: the fallback for a
	// daemon that does not offer BuildKit.
	BuilderClassic = "classic"
)

// BuildSpec describes an image build. A build with BuildKit reads the
// context from Dir and the Dockerfile from DockerfilePath (or
// DockerfileInline); the classic builder reads Context, a tar of the same
// context with the Dockerfile at Dockerfile. A caller that fills both lets
// the engine choose; one that fills only Context gets the classic builder.
type BuildSpec struct {
	Context    io.Reader // tar of the build context (classic builder)
	Dockerfile string    // path inside Context; "" = "Dockerfile"
	// Dir is the build context directory on this host (BuildKit: the
	// builder's Dockerfile frontend asks for what it needs and applies the
	// context's .dockerignore itself).
	Dir string
	// DockerfilePath is the Dockerfile on this host (BuildKit); "" is
	// Dir/Dockerfile.
	DockerfilePath string
	Tags           []string
	Args           map[string]*string
	Target         string
	Labels         map[string]string
	// Platform is "os[/arch[/variant]]" to build for; "" = the daemon's.
	Platform string

	// Secrets are mounted for RUN --mount=type=secret,id=ID (BuildKit
	// only); they are never part of the image.
	Secrets []BuildSecret
	// Network is the network of RUN steps: "" or "default" (the builder's
	// own), "host" or "none".
	Network string
	// ExtraHosts are "name=address" entries added to RUN steps' /etc/hosts.
	ExtraHosts []string
	NoCache    bool // build every step again
	Pull       bool // pull the base images even when present
	// AdditionalContexts are named contexts (name -> directory on this
	// host) that FROM and COPY --from can use; BuildKit with a Dockerfile
	// frontend that supports them only.
	AdditionalContexts map[string]string
	ShmSize            int64 // bytes of /dev/shm for RUN steps; 0 = the builder's
	// IgnoreSyntax builds with the builder's built-in Dockerfile frontend
	// even when the Dockerfile names another with "# syntax=" (the caller
	// could not get that frontend's image).
	IgnoreSyntax bool
	// Progress, when not nil, receives the build's steps as they start and
	// end, in the order the builder reports them.
	Progress func(BuildProgress)
}

// BuildSecret is a secret a build may mount: the content of File, or Data.
// Only the ID and the file's path may be printed.
type BuildSecret struct {
	ID   string // what RUN --mount=type=secret,id=ID names
	File string // a file on this host, read when the build asks for it
	Data []byte `json:"-"` // the content, when there is no File
}

// BuildProgress is one report of a build: a step that started or ended,
// or (Step "") which builder the build uses, or a notice.
type BuildProgress struct {
	Builder string // [BuilderBuildKit] or [BuilderClassic]
	// Step is the builder's name for the step, e.g. "[2/3] RUN make".
	Step    string
	Done    bool          // the step ended (else it started)
	Cached  bool          // the step's result came from the build cache
	Elapsed time.Duration // how long the step ran, when Done
	// Notice is something the user should know about the build ("the
	// frontend image named by # syntax= could not be pulled").
	Notice string
}

package opsproxy

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/gate"
)

// Read is the op of a request that changes nothing on the daemon.
const Read engine.Op = ""

// OtherWrite is the op of a POST, PUT or DELETE that no gate operation of
// berth's Docker adapter makes: counted as mutating (without a slot) and
// reported, so a call berth should not make shows up.
const OtherWrite engine.Op = "other_write"

var version = regexp.MustCompile(`^/v[0-9]+\.[0-9]+/`)

// route is one request shape of the Docker API: method and path pattern,
// with "*" for one segment (an ID or name).
type route struct {
	method, path string
	op           engine.Op
}

// routes are the requests berth's Docker adapter (internal/engine/docker)
// makes for each gate operation; requests made inside another op's call
// (a network connect inside a container create, a kill or a wait inside a
// stop) are that op's.
var routes = []route{
	{"POST", "/containers/create", engine.OpContainerCreate},
	{"POST", "/networks/*/connect", engine.OpContainerCreate},
	{"POST", "/containers/*/start", engine.OpContainerStart},
	{"POST", "/containers/*/stop", engine.OpContainerStop},
	{"POST", "/containers/*/kill", engine.OpContainerStop},
	{"POST", "/containers/*/wait", Read},
	{"POST", "/containers/*/attach", Read},
	{"DELETE", "/containers/*", engine.OpContainerRemove},
	{"POST", "/containers/*/exec", engine.OpContainerExec},
	{"POST", "/exec/*/start", engine.OpContainerExec},
	{"POST", "/exec/*/resize", engine.OpContainerExec},
	{"POST", "/networks/create", engine.OpNetworkCreate},
	{"POST", "/networks/*/disconnect", engine.OpNetworkDisconnect},
	{"DELETE", "/networks/*", engine.OpNetworkRemove},
	{"POST", "/volumes/create", engine.OpVolumeCreate},
	{"DELETE", "/volumes/*", engine.OpVolumeRemove},
	{"POST", "/build", engine.OpImageBuild},
	{"POST", "/session", engine.OpImageBuild},
	{"POST", "/grpc", engine.OpImageBuild},
	{"POST", "/build/prune", engine.OpBuildCachePrune},
}

// Classify names the gate operation a request belongs to: [Read] for
// every GET and HEAD and the long POSTs that change nothing,
// [OtherWrite] for a write no route knows. An image create is a pull
// (fromImage) or an import (fromSrc).
func Classify(method, path string, query url.Values) engine.Op {
	if method == "GET" || method == "HEAD" {
		return Read
	}
	if v := version.FindString(path); v != "" {
		path = path[len(v)-1:]
	}
	path = strings.TrimSuffix(path, "/")
	if method == "POST" && path == "/images/create" {
		if query.Get("fromSrc") != "" {
			return engine.OpImageImport
		}
		return engine.OpImagePull
	}
	if method == "DELETE" && strings.HasPrefix(path, "/images/") { // a name may hold slashes
		return engine.OpImageRemove
	}
	for _, r := range routes {
		if r.method == method && match(r.path, path) {
			return r.op
		}
	}
	return OtherWrite
}

// match reports whether path has pattern's segments, "*" matching any
// one non-empty segment.
func match(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i, p := range ps {
		if p != xs[i] && (p != "*" || xs[i] == "") {
			return false
		}
	}
	return true
}

// Mutating reports whether op counts as mutating: the gate's classification
// (engine.Op.Mutating), plus [OtherWrite].
func Mutating(op engine.Op) bool { return op == OtherWrite || op.Mutating() }

// HoldsSlot reports whether a call of op runs inside one of the gate's
// concurrency slots, the ones BERTH_MAX_CONCURRENT_OPS bounds: a mutating
// op the gate gives a slot ([gate.HoldsSlot]). The wire does not say
// whether an exec is a bounded one (a readiness probe, which holds a
// slot) or an interactive `berth exec` (which holds none): every exec
// counts as bounded, true of every exec berth makes but `berth exec`'s.
func HoldsSlot(op engine.Op) bool { return op.Mutating() && gate.HoldsSlot(op, true) }

// Limited reports whether a call of op counts against
// BERTH_MAX_CONCURRENT_OPS in its strict reading: every mutating call
// ([Mutating], [OtherWrite] included) but pulls and builds, which have
// limits of their own (BERTH_MAX_CONCURRENT_PULLS, _BUILDS).
func Limited(op engine.Op) bool {
	return Mutating(op) && op != engine.OpImagePull && op != engine.OpImageBuild
}

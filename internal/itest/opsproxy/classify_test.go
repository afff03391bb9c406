package opsproxy

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/berth-dev/berth/internal/engine"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		method, path, query string
		op                  engine.Op
		slot                bool
	}{
		{"HEAD", "/_ping", "", Read, false},
		{"GET", "/v1.47/containers/json", "", Read, false},
		{"GET", "/v1.47/events", "", Read, false},
		{"POST", "/v1.47/containers/create", "name=x", engine.OpContainerCreate, true},
		{"POST", "/v1.47/networks/n1/connect", "", engine.OpContainerCreate, true},
		{"POST", "/v1.47/containers/abc/start", "", engine.OpContainerStart, true},
		{"POST", "/v1.47/containers/abc/stop", "t=10", engine.OpContainerStop, true},
		{"POST", "/v1.47/containers/abc/kill", "signal=KILL", engine.OpContainerStop, true},
		{"POST", "/v1.47/containers/abc/wait", "condition=not-running", Read, false},
		{"POST", "/v1.47/containers/abc/attach", "stream=1", Read, false},
		{"DELETE", "/v1.47/containers/abc", "v=1", engine.OpContainerRemove, true},
		{"POST", "/v1.47/containers/abc/exec", "", engine.OpContainerExec, true},
		{"POST", "/v1.47/exec/e1/start", "", engine.OpContainerExec, true},
		{"POST", "/v1.47/networks/create", "", engine.OpNetworkCreate, true},
		{"POST", "/v1.47/networks/n1/disconnect", "", engine.OpNetworkDisconnect, true},
		{"DELETE", "/v1.47/networks/n1", "", engine.OpNetworkRemove, true},
		{"POST", "/v1.47/volumes/create", "", engine.OpVolumeCreate, true},
		{"DELETE", "/v1.47/volumes/v1", "", engine.OpVolumeRemove, true},
		{"DELETE", "/v1.47/images/localhost:5000/repo/x:1", "", engine.OpImageRemove, true},
		{"POST", "/v1.47/images/create", "fromImage=busybox&tag=1", engine.OpImagePull, false},
		{"POST", "/v1.47/images/create", "fromSrc=-&repo=x", engine.OpImageImport, true},
		{"POST", "/v1.47/build", "", engine.OpImageBuild, false},
		{"POST", "/grpc", "", engine.OpImageBuild, false},
		{"POST", "/v1.47/build/prune", "", engine.OpBuildCachePrune, true},
		{"POST", "/v1.47/containers/abc/restart", "", OtherWrite, false},
		{"POST", "/containers/create", "", engine.OpContainerCreate, true}, // no version prefix
	}
	for _, c := range cases {
		q, err := url.ParseQuery(c.query)
		assert.NoError(t, err)
		op := Classify(c.method, c.path, q)
		assert.Equal(t, c.op, op, "%s %s?%s", c.method, c.path, c.query)
		assert.Equal(t, c.slot, HoldsSlot(op), "slot for %s %s", c.method, c.path)
		assert.Equal(t, op != Read, Mutating(op), "mutating for %s %s", c.method, c.path)
		// The strict count: every write but pulls and builds.
		limited := op != Read && op != engine.OpImagePull && op != engine.OpImageBuild
		assert.Equal(t, limited, Limited(op), "limited for %s %s", c.method, c.path)
	}
}

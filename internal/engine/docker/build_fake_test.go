package docker

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// streamLines answers a build with JSON messages, one per line.
func streamLines(w http.ResponseWriter, msgs ...string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	for _, m := range msgs {
		_, _ = io.WriteString(w, m+"\n")
	}
}

func buildSpec(tags ...string) engine.BuildSpec {
	return engine.BuildSpec{Context: strings.NewReader("context-tar"), Tags: tags}
}

func TestImageBuildSendsClassicOptionsAndDrains(t *testing.T) {
	var rec recorder
	var body, contentType string
	e := newFakeDaemon(t, "1.41", func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		body, contentType = string(data), r.Header.Get("Content-Type")
		rec.add(r)
		streamLines(w, `{"stream":"Step 1/1 : FROM base:1"}`, `{"stream":"\n"}`,
			`{"aux":{"ID":"sha256:abc"}}`, `{"stream":"Successfully built abc\n"}`)
	})
	greet := "hi"
	err := e.ImageBuild(context.Background(), engine.BuildSpec{
		Context: strings.NewReader("context-tar"), Dockerfile: "ci/Dockerfile", Tags: []string{"app:1", "app:latest"},
		Args: map[string]*string{"GREETING": &greet, "EMPTY": nil}, Target: "final", Labels: map[string]string{"k": "v"},
	})
	require.NoError(t, err)
	reqs := rec.all()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/v1.41/build", reqs[0].Path)
	assert.Equal(t, "context-tar", body)
	assert.Equal(t, "application/x-tar", contentType)
	q := reqs[0].Query
	assert.Equal(t, "ci/Dockerfile", queryValue(t, q, "dockerfile"))
	assert.Equal(t, "final", queryValue(t, q, "target"))
	assert.Equal(t, "1", queryValue(t, q, "version"), "the classic builder")
	assert.JSONEq(t, `{"GREETING":"hi","EMPTY":null}`, queryValue(t, q, "buildargs"))
	assert.JSONEq(t, `{"k":"v"}`, queryValue(t, q, "labels"))
	assert.Contains(t, q, "t=app%3A1&t=app%3Alatest")
	for _, key := range []string{"rm", "forcerm", "pull"} {
		assert.Empty(t, queryValue(t, q, key), "%s: the daemon's defaults (remove on success, no forced removal, no pull)", key)
	}
}

func TestImageBuildFailedFromIsNotFound(t *testing.T) {
	e := newFakeDaemon(t, "1.41", func(w http.ResponseWriter, r *http.Request) {
		streamLines(w, `{"stream":"Step 1/2 : FROM --platform=linux/amd64 nothere:1"}`,
			`{"errorDetail":{"message":"Get \"https://registry-1.docker.io/v2/\": dial tcp: no such host"},"error":"ignored"}`)
	})
	err := e.ImageBuild(context.Background(), buildSpec("app:1"))
	require.ErrorIs(t, err, engine.ErrNotFound)
	msg := err.Error()
	assert.Contains(t, msg, "build image app:1: base image nothere:1 is not present locally")
	assert.Contains(t, msg, "berth never pulls")
	assert.Contains(t, msg, "no such host")
	assert.Contains(t, msg, "  Step 1/2 : FROM --platform=linux/amd64 nothere:1", "the partial last line is quoted")
}

func TestImageBuildFailedStepQuotesTailAndRemovesItsContainer(t *testing.T) {
	const ctr = "b6e5d1c4a14a"
	var rec recorder
	e := newFakeDaemon(t, "1.41", func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		if r.Method == http.MethodDelete {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		msgs := []string{`{"stream":"Step 1/3 : FROM base:1\n"}`, `{"stream":" ---\u003e Running in 111111111111\n"}`,
			`{"stream":"Removing intermediate container 111111111111\n"}`}
		for i := range 12 {
			msgs = append(msgs, fmt.Sprintf(`{"stream":"output line %d\n"}`, i))
		}
		msgs = append(msgs, `{"stream":"Step 3/3 : RUN [\"/app\", \"--check\"]\n"}`, `{"stream":" ---\u003e Running in `+ctr+`\n"}`,
			`{"stream":"\u001b[91mcheck failed\n\u001b[0m"}`, `{"error":"The command '/app --check' returned a non-zero code: 2"}`)
		streamLines(w, msgs...)
	})
	err := e.ImageBuild(context.Background(), buildSpec())
	require.ErrorIs(t, err, engine.ErrInvalid)
	msg := err.Error()
	assert.Contains(t, msg, `build image (untagged): step "RUN [\"/app\", \"--check\"]" failed: The command '/app --check' returned a non-zero code: 2`)
	assert.True(t, strings.HasSuffix(msg, "\n  check failed"), "the step's output ends the message: %q", msg)
	assert.NotContains(t, msg, "\x1b", "colour codes are stripped")
	assert.Contains(t, msg, "output line 11")
	assert.NotContains(t, msg, "output line 4\n", "only the last lines are quoted")
	assert.Equal(t, buildTailLines, strings.Count(msg, "\n  "))

	reqs := rec.all()
	require.Len(t, reqs, 2)
	assert.Equal(t, http.MethodDelete, reqs[1].Method)
	assert.Equal(t, "/v1.41/containers/"+ctr, reqs[1].Path)
	assert.NotContains(t, reqs[1].Query, "force")
}

func TestImageBuildReportsAContainerItCouldNotRemove(t *testing.T) {
	e := newFakeDaemon(t, "1.41", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete {
			jsonError(w, http.StatusConflict, "You cannot remove a running container")
			return
		}
		streamLines(w, `{"stream":"Step 2/2 : RUN slow\n"}`, `{"stream":" ---\u003e Running in 222222222222\n"}`,
			`{"errorDetail":{"message":"build cancelled"}}`)
	})
	err := e.ImageBuild(context.Background(), buildSpec("app:1"))
	require.ErrorIs(t, err, engine.ErrInvalid)
	assert.Contains(t, err.Error(), "remove intermediate container 222222222222 of the failed build")
	assert.Contains(t, err.Error(), "cannot remove a running container")
}

func TestImageBuildRequestErrors(t *testing.T) {
	for _, tc := range []struct {
		status int
		msg    string
		kind   error
	}{
		{http.StatusBadRequest, "dockerfile parse error line 2: unknown instruction: BOGUS", engine.ErrInvalid},
		{http.StatusBadRequest, "failed to reach build target zzz in Dockerfile", engine.ErrInvalid},
		{http.StatusInternalServerError, "Cannot locate specified Dockerfile: Nope", engine.ErrInvalid},
		{http.StatusInternalServerError, "Error processing tar file(exit status 1): unexpected EOF", engine.ErrInvalid},
		{http.StatusInternalServerError, "something else broke", engine.ErrTransient},
	} {
		e := newFakeDaemon(t, "1.41", func(w http.ResponseWriter, r *http.Request) { jsonError(w, tc.status, tc.msg) })
		err := e.ImageBuild(context.Background(), buildSpec("app:1"))
		require.ErrorIs(t, err, tc.kind, tc.msg)
		assert.Contains(t, err.Error(), "build image app:1: ")
		assert.Contains(t, err.Error(), tc.msg)
	}
}

func TestImageBuildBrokenStream(t *testing.T) {
	e := newFakeDaemon(t, "1.41", func(w http.ResponseWriter, r *http.Request) {
		streamLines(w, `{"stream":"Step 1/1 : FROM base:1\n"}`, `{"stream":"trunc`)
	})
	err := e.ImageBuild(context.Background(), buildSpec("app:1"))
	require.Error(t, err)
	assert.NotErrorIs(t, err, engine.ErrInvalid, "a broken stream is not a failed build")
	assert.Contains(t, err.Error(), "read build output")
}

func TestImageBuildRejectsBadSpecBeforeAnyCall(t *testing.T) {
	var rec recorder
	e := newFakeDaemon(t, "1.41", func(w http.ResponseWriter, r *http.Request) { rec.add(r) })
	err := e.ImageBuild(context.Background(), engine.BuildSpec{Tags: []string{"app:1"}})
	require.ErrorIs(t, err, engine.ErrInvalid)
	assert.Contains(t, err.Error(), "no build context")
	err = e.ImageBuild(context.Background(), buildSpec("App:1"))
	require.ErrorIs(t, err, engine.ErrInvalid)
	assert.Contains(t, err.Error(), `tag "App:1"`)
	assert.Empty(t, rec.all())
}

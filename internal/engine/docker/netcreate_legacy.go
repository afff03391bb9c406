package docker

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/containerd/errdefs/pkg/errhttp"

	"github.com/berth-dev/berth/internal/engine"
)

// legacyNetworkRequest is POST /networks/create as API versions before 1.44
// define it, with the CheckDuplicate field the SDK (v0.6) no longer has.
type legacyNetworkRequest struct {
	Name           string
	CheckDuplicate bool
	Driver         string            `json:",omitempty"`
	Internal       bool              `json:",omitempty"`
	Labels         map[string]string `json:",omitempty"`
	IPAM           *legacyIPAM       `json:",omitempty"`
}

// legacyNetworkCreate creates a network with CheckDuplicate set, for daemons
// older than API 1.44 that create a second network of the same name unless
// asked not to. It speaks HTTP directly over the engine's transport because
// the SDK cannot send the field. It carries the same settings as the SDK
// path, IPAM included (ipam: checked by the caller). Daemon errors are
// classified like the SDK's.
func (e *Engine) legacyNetworkCreate(ctx context.Context, apiVersion string, spec engine.NetworkSpec, ipam *legacyIPAM) (string, error) {
	body, err := json.Marshal(legacyNetworkRequest{
		Name: spec.Name, CheckDuplicate: true, Driver: spec.Driver, Internal: spec.Internal, Labels: spec.Labels,
		IPAM: ipam,
	})
	if err != nil {
		return "", fmt.Errorf("create network %q: %w", spec.Name, err)
	}
	url := e.rawBase + "/v" + apiVersion + "/networks/create"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("create network %q: %w", spec.Name, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.raw.Do(req)
	if err != nil {
		return "", fmt.Errorf("create network %q: connect to the docker daemon: %w", spec.Name, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("create network %q: read answer: %w", spec.Name, err)
	}
	if resp.StatusCode >= 400 {
		return "", legacyDaemonError(resp.StatusCode, data)
	}
	var out struct {
		ID string `json:"Id"`
	}
	if err := json.Unmarshal(data, &out); err != nil || out.ID == "" {
		return "", fmt.Errorf("create network %q: unexpected answer %q: %w", spec.Name, data, err)
	}
	return out.ID, nil
}

// legacyDaemonError builds an error like the SDK's for a daemon error
// answer: the daemon's message, classified by status through errdefs.
func legacyDaemonError(status int, body []byte) error {
	var msg struct {
		Message string `json:"message"`
	}
	text := strings.TrimSpace(string(body))
	if json.Unmarshal(body, &msg) == nil && msg.Message != "" {
		text = msg.Message
	}
	return &statusError{msg: "Error response from daemon: " + text, class: errhttp.ToNative(status)}
}

// statusError is a daemon error answer: its text and its errdefs class.
type statusError struct {
	msg   string
	class error
}

func (e *statusError) Error() string { return e.msg }
func (e *statusError) Unwrap() error { return e.class }

package itest

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/testsvc/image"
)

// Media types of a Docker image manifest (schema 2).
const (
	mediaManifest = "application/vnd.docker.distribution.manifest.v2+json"
	mediaConfig   = "application/vnd.docker.container.image.v1+json"
	mediaLayer    = "application/vnd.docker.image.rootfs.diff.tar.gzip"
)

// PushTestImage pushes the test-service image (built for the daemon behind
// e) to the registry as repo:tag: the test service's layer, a small marker
// layer, and fillers extra layers of fillerSize bytes each (pulls of more
// layers show more progress); it returns the
// reference "<addr>/<repo>:<tag>". It talks to the registry's HTTP API
// directly: no docker CLI and no daemon are involved.
func (r *Registry) PushTestImage(t testing.TB, e engine.Engine, repo, tag string, fillers int, fillerSize int) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	v, err := e.Version(ctx)
	if err != nil {
		t.Fatalf("push test image: %v", err)
	}
	root, err := image.ModuleRoot(ctx)
	if err != nil {
		t.Fatalf("push test image: %v", err)
	}
	bin, err := image.Build(ctx, root, v.Arch)
	if err != nil {
		t.Fatalf("push test image: %v", err)
	}
	// Every push has layers of its own (a marker file in the first, a
	// random seed in the others): a daemon that already has a layer shows
	// no progress for it, and tests want to see a whole pull.
	rootfs, err := image.Rootfs(bin)
	if err != nil {
		t.Fatal(err)
	}
	marker, err := tarOf(".berth-push", []byte(newRunID()))
	if err != nil {
		t.Fatal(err)
	}
	layers := [][]byte{rootfs, marker}
	seed := uint32(time.Now().UnixNano())
	for i := range fillers {
		layers = append(layers, fillerLayer(seed+uint32(i), fillerSize))
	}
	if err := r.push(ctx, repo, tag, v.Arch, layers); err != nil {
		t.Fatalf("push %s:%s to %s: %v", repo, tag, r.Addr, err)
	}
	return r.Addr + "/" + repo + ":" + tag
}

// fillerLayer is a layer holding one file of n pseudo-random bytes (so
// gzip cannot shrink it to nothing) drawn from seed.
func fillerLayer(seed uint32, n int) []byte {
	data := make([]byte, n)
	x := seed*2654435761 | 1
	for j := range data {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		data[j] = byte(x)
	}
	tarball, err := tarOf(fmt.Sprintf("filler-%d", seed), data)
	if err != nil {
		panic(err)
	}
	return tarball
}

// push uploads layers (uncompressed tars), a config running /testsvc and
// the manifest.
func (r *Registry) push(ctx context.Context, repo, tag, arch string, layers [][]byte) error {
	type descriptor struct {
		MediaType string `json:"mediaType"`
		Size      int    `json:"size"`
		Digest    string `json:"digest"`
	}
	var diffIDs []string
	var layerDescs []descriptor
	for _, tarball := range layers {
		diffIDs = append(diffIDs, digest(tarball))
		gz, err := gzipped(tarball)
		if err != nil {
			return err
		}
		if err := r.uploadBlob(ctx, repo, gz); err != nil {
			return err
		}
		layerDescs = append(layerDescs, descriptor{MediaType: mediaLayer, Size: len(gz), Digest: digest(gz)})
	}
	config, err := json.Marshal(map[string]any{
		"architecture": arch, "os": "linux",
		"config": map[string]any{"Entrypoint": []string{"/testsvc"}, "Labels": map[string]string{"dev.berth.test-image": "1"}},
		"rootfs": map[string]any{"type": "layers", "diff_ids": diffIDs},
	})
	if err != nil {
		return err
	}
	if err := r.uploadBlob(ctx, repo, config); err != nil {
		return err
	}
	manifest, err := json.Marshal(map[string]any{"schemaVersion": 2, "mediaType": mediaManifest,
		"config": descriptor{MediaType: mediaConfig, Size: len(config), Digest: digest(config)}, "layers": layerDescs})
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPut, "http://"+r.Addr+"/v2/"+repo+"/manifests/"+tag, bytes.NewReader(manifest))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", mediaManifest)
	return expect(r.do(ctx, req))(http.StatusCreated)
}

// uploadBlob uploads one blob in a single request.
func (r *Registry) uploadBlob(ctx context.Context, repo string, blob []byte) error {
	req, err := http.NewRequest(http.MethodPost, "http://"+r.Addr+"/v2/"+repo+"/blobs/uploads/", nil)
	if err != nil {
		return err
	}
	resp, err := r.do(ctx, req)
	if err := expect(resp, err)(http.StatusAccepted); err != nil {
		return err
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		return err
	}
	if !loc.IsAbs() {
		loc = &url.URL{Scheme: "http", Host: r.Addr, Path: loc.Path, RawQuery: loc.RawQuery}
	}
	q := loc.Query()
	q.Set("digest", digest(blob))
	loc.RawQuery = q.Encode()
	put, err := http.NewRequest(http.MethodPut, loc.String(), bytes.NewReader(blob))
	if err != nil {
		return err
	}
	put.Header.Set("Content-Type", "application/octet-stream")
	return expect(r.do(ctx, put))(http.StatusCreated)
}

// expect checks a response's status and closes its body.
func expect(resp *http.Response, err error) func(status int) error {
	return func(status int) error {
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != status {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
			return fmt.Errorf("%s %s: %s: %s", resp.Request.Method, resp.Request.URL.Path, resp.Status, strings.TrimSpace(string(body)))
		}
		return nil
	}
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func gzipped(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

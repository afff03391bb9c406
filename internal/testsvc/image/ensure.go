// Package image makes the local test-service image: the static testsvc
// binary, alone in a root filesystem, imported into the daemon. Nothing is
// pulled and no registry is involved.
package image

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/lock"
)

// Repository is the image name; the tag is derived from the content.
const Repository = "berth-testsvc"

// Changes returns the Dockerfile-style instructions applied on import.
func Changes() []string {
	return []string{`ENTRYPOINT ["/testsvc"]`, `LABEL dev.berth.test-image=1`}
}

// Ensure makes sure the daemon behind e has the test-service image built
// from the current sources and returns its reference,
// "berth-testsvc:<first 12 hex digits of the sha256>". The hash covers the
// binary (built for linux and the daemon's architecture, reproducibly with
// -trimpath) and [Changes], so a source change gives a new tag and an
// unchanged tree reuses the image. The module is found from the working
// directory (see [ModuleRoot]).
//
// Ensure is idempotent and safe to run from several processes at once:
// imports are serialised by a file lock and the image is re-checked under
// it. It never pulls, and never tags anything but the hash tag.
func Ensure(ctx context.Context, e engine.Engine, log *slog.Logger) (string, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	root, err := ModuleRoot(ctx)
	if err != nil {
		return "", fmt.Errorf("ensure test image: %w", err)
	}
	v, err := e.Version(ctx)
	if err != nil {
		return "", fmt.Errorf("ensure test image: %w", err)
	}
	if v.OS != "" && v.OS != "linux" {
		return "", fmt.Errorf("ensure test image: daemon runs %s containers; the test image needs linux", v.OS)
	}
	begin := time.Now()
	bin, err := Build(ctx, root, v.Arch)
	if err != nil {
		return "", fmt.Errorf("ensure test image: %w", err)
	}
	ref := Ref(bin)
	log.Debug("built test service", "ref", ref, "arch", v.Arch, "bytes", len(bin), "took", time.Since(begin))
	if ok, err := present(ctx, e, ref); err != nil || ok {
		return ref, err
	}
	release, err := importLock(ctx)
	if err != nil {
		return "", fmt.Errorf("ensure test image: %w", err)
	}
	defer release()
	if ok, err := present(ctx, e, ref); err != nil || ok {
		return ref, err // another process imported it while we waited
	}
	tarball, err := Rootfs(bin)
	if err != nil {
		return "", fmt.Errorf("ensure test image: %w", err)
	}
	begin = time.Now()
	if err := e.ImageImport(ctx, bytes.NewReader(tarball), ref, Changes()); err != nil {
		return "", fmt.Errorf("import test image %s: %w", ref, err)
	}
	log.Info("imported test image", "ref", ref, "took", time.Since(begin))
	return ref, nil
}

// Ref is the image reference for binary bin.
func Ref(bin []byte) string {
	h := sha256.New()
	h.Write(bin)
	h.Write([]byte("\x00" + strings.Join(Changes(), "\n")))
	return Repository + ":" + hex.EncodeToString(h.Sum(nil))[:12]
}

func present(ctx context.Context, e engine.Engine, ref string) (bool, error) {
	_, err := e.ImageInspect(ctx, ref)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, engine.ErrNotFound):
		return false, nil
	}
	return false, fmt.Errorf("inspect test image %s: %w", ref, err)
}

// importLock serialises imports among this user's processes. The lock file
// lives in the user's cache directory (a per-user temp directory if there is
// none), so users sharing /tmp do not trip over each other's files.
func importLock(ctx context.Context) (func() error, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = filepath.Join(os.TempDir(), fmt.Sprintf("berth-%d", os.Getuid()))
	}
	dir = filepath.Join(dir, "berth")
	if err := lock.EnsureDir(dir); err != nil {
		return nil, err
	}
	return lock.Dir{Path: dir}.Acquire(ctx, "testsvc-image")
}

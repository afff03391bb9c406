package itest

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/engine"
)

// BusyboxBinary is Debian's static busybox (package busybox-static);
// scripts/test installs it.
const BusyboxBinary = "/bin/busybox"

// busyboxApplets are linked in the image's /bin.
var busyboxApplets = []string{"sh", "cat", "echo", "ls", "sleep", "sed", "grep", "env", "id", "tty", "mkdir", "rm",
	"true", "false", "wc", "head", "tail", "httpd", "wget", "nc", "ps", "kill", "test", "pwd", "hostname", "whoami"}

// Busybox returns a local image holding Debian's static busybox as /bin
// with its common applets and a shell (PATH=/bin), importing it on first
// use ("berth-busybox:<hash of the binary>"). Without the binary the test
// fails when BERTH_INTEGRATION=1 and is skipped otherwise.
func Busybox(t testing.TB, e engine.Engine) string {
	t.Helper()
	bin, err := os.ReadFile(BusyboxBinary)
	if err != nil {
		if _, lerr := exec.LookPath("busybox"); lerr == nil {
			t.Fatalf("busybox: %v (install Debian's busybox-static)", err)
		}
		unavailable(t, fmt.Errorf("no static busybox at %s: %w (install Debian's busybox-static)", BusyboxBinary, err))
		return ""
	}
	sum := sha256.Sum256(bin)
	ref := "berth-busybox:" + hex.EncodeToString(sum[:])[:12]
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := e.ImageInspect(ctx, ref); err == nil {
		return ref
	} else if !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("busybox image: %v", err)
	}
	rootfs, err := busyboxRootfs(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.ImageImport(ctx, bytes.NewReader(rootfs), ref, []string{"ENV PATH=/bin", `CMD ["sh"]`}); err != nil {
		t.Fatalf("import busybox image: %v", err)
	}
	return ref
}

// busyboxRootfs is a root filesystem with /bin/busybox, its applets as
// links, and the directories a shell expects.
func busyboxRootfs(bin []byte) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	epoch := time.Unix(0, 0)
	for _, d := range []string{"bin", "tmp", "etc", "www", "root"} {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d + "/", Mode: 0o1777, ModTime: epoch}); err != nil {
			return nil, err
		}
	}
	files := map[string]string{"etc/passwd": "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n",
		"etc/group": "root:x:0:\nnogroup:x:65534:\n"}
	for name, body := range files {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: int64(len(body)), ModTime: epoch}); err != nil {
			return nil, err
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			return nil, err
		}
	}
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "bin/busybox", Mode: 0o755, Size: int64(len(bin)), ModTime: epoch}); err != nil {
		return nil, err
	}
	if _, err := tw.Write(bin); err != nil {
		return nil, err
	}
	for _, a := range busyboxApplets {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: "bin/" + a, Linkname: "busybox", ModTime: epoch}); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

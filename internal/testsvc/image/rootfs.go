package image

import (
	"archive/tar"
	"bytes"
	"fmt"
	"time"
)

// Rootfs returns a tarball whose only entry is /testsvc (mode 0755, owned
// by root) holding bin: the whole root filesystem of the test image.
func Rootfs(bin []byte) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	hdr := &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     "testsvc",
		Mode:     0o755,
		Size:     int64(len(bin)),
		ModTime:  time.Unix(0, 0),
		Format:   tar.FormatPAX,
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return nil, fmt.Errorf("write rootfs tar: %w", err)
	}
	if _, err := tw.Write(bin); err != nil {
		return nil, fmt.Errorf("write rootfs tar: %w", err)
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("write rootfs tar: %w", err)
	}
	return buf.Bytes(), nil
}

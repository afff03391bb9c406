package testsvc

import (
	"bytes"
	"fmt"
	"os"
)

// writeFile writes mb MiB of non-zero bytes (so no file system stores
// them sparsely) to path; nothing when path is "".
func writeFile(path string, mb int) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write file: %w", err)
	}
	chunk := bytes.Repeat([]byte{0xb5}, 1<<20)
	for range mb {
		if _, err := f.Write(chunk); err != nil {
			f.Close()
			return fmt.Errorf("write file %s: %w", path, err)
		}
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write file %s: %w", path, err)
	}
	return nil
}

package stress

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v4"
)

// defaultComposeFiles are the names compose looks for in the current
// directory, in its order.
var defaultComposeFiles = []string{"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"}

// IsV1 reports whether compose is Debian's docker-compose (v1).
func IsV1(compose []string) bool {
	return len(compose) == 1 && strings.HasSuffix(filepath.Base(compose[0]), "docker-compose")
}

// NaiveFiles returns the compose files the naive load uses. Compose v2
// takes the files as they are. Compose v1 refuses the top-level name key
// of the compose specification (the project name comes from -p anyway),
// so for v1 each file is copied into dir without it. With no files, the
// compose file of the current directory is used.
func NaiveFiles(files []string, v1 bool, dir string) ([]string, error) {
	if len(files) == 0 {
		for _, name := range defaultComposeFiles {
			if _, err := os.Stat(name); err == nil {
				abs, err := filepath.Abs(name)
				if err != nil {
					return nil, err
				}
				files = []string{abs}
				break
			}
		}
	}
	if !v1 {
		return files, nil
	}
	out := make([]string, len(files))
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		stripped, err := withoutName(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		// Relative paths in the file (volumes, env files, builds) still
		// resolve against the original's directory: see Naive.ProjectDir.
		out[i] = filepath.Join(dir, fmt.Sprintf("%d-%s", i, filepath.Base(f)))
		if err := os.WriteFile(out[i], stripped, 0o600); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// withoutName removes the top-level name key of a compose document.
func withoutName(b []byte) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 1 && doc.Content[0].Kind == yaml.MappingNode {
		m := doc.Content[0]
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == "name" {
				m.Content = append(m.Content[:i], m.Content[i+2:]...)
				break
			}
		}
	}
	return yaml.Marshal(&doc)
}

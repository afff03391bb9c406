package lifecycle

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/lock"
	"github.com/berth-dev/berth/internal/plan"
)

// FilesPath is the directory under dir that holds environment envID's
// written secrets and configs (see [plan.FilePlan]); a long ID is bounded
// as lock names are ([lock.SafeName]).
func FilesPath(dir, envID string) string { return filepath.Join(dir, lock.SafeName(envID)) }

// writeSecretFiles writes plan p's secrets and configs from environment and
// content sources, each to a file of mode 0600 in [FilesPath] (mode
// 0700), replacing what an earlier up left. It names files, never their
// content.
func writeSecretFiles(dir string, p *plan.Plan) error {
	if len(p.Files) == 0 {
		return nil
	}
	if dir == "" {
		return errors.New("write secrets and configs: no files directory (UpOptions.FilesDir)")
	}
	envDir := FilesPath(dir, p.ID.EnvID)
	if err := os.MkdirAll(envDir, 0o700); err != nil {
		return fmt.Errorf("write secrets and configs: %w", err)
	}
	if err := os.Chmod(envDir, 0o700); err != nil {
		return fmt.Errorf("write secrets and configs: %w", err)
	}
	for _, f := range p.Files {
		if err := writeSecretFile(envDir, f); err != nil {
			return fmt.Errorf("write %s: %w", f.Name, err)
		}
	}
	return nil
}

// writeSecretFile writes f through a temporary file renamed into place, so a
// container never sees a half-written file.
func writeSecretFile(dir string, f plan.FilePlan) error {
	tmp, err := os.CreateTemp(dir, "."+f.Name+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // gone after the rename; a leftover on failure
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		return err
	}
	if _, err := tmp.Write(f.Content.Bytes()); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, f.Name))
}

// fileMounts is sp's container spec with its written secrets and configs
// bind-mounted read-only from [FilesPath].
func fileMounts(dir, envID string, sp plan.ServicePlan) engine.ContainerSpec {
	spec := sp.Spec
	if len(sp.Files) == 0 {
		return spec
	}
	spec.Mounts = append([]engine.Mount(nil), spec.Mounts...)
	for _, f := range sp.Files {
		spec.Mounts = append(spec.Mounts, engine.Mount{Type: "bind", Source: filepath.Join(FilesPath(dir, envID), f.File),
			Target: f.Target, ReadOnly: true})
	}
	return spec
}

// RemoveFiles removes environment envID's written secrets and configs
// under dir. Nothing there (or dir "") counts as done.
func RemoveFiles(dir, envID string) error {
	if dir == "" || envID == "" {
		return nil
	}
	if err := os.RemoveAll(FilesPath(dir, envID)); err != nil {
		return fmt.Errorf("remove secrets and configs of %s: %w", envID, err)
	}
	return nil
}

package lifecycle

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
)

// outsideDockerfile is the name, in the context tar, of a Dockerfile that
// lies outside the context directory.
const outsideDockerfile = ".berth.Dockerfile"

// buildContext is the list of files to send for one build, and their digest.
type buildContext struct {
	dir        string
	files      []string // slash paths relative to dir, in walk order (lexical)
	dockerfile string   // path of the Dockerfile inside the tar
	extra      string   // absolute path of a Dockerfile outside dir, or ""
	digest     string   // sha256 of every file's path, mode and content
}

// scanBuildContext lists the files of directory dir that .dockerignore
// does not exclude (the Dockerfile and .dockerignore are always sent, as
// the docker CLI does) and digests them. dockerfile is relative to dir;
// one outside dir is sent as [outsideDockerfile].
func scanBuildContext(dir, dockerfile string) (*buildContext, error) {
	if dockerfile == "" {
		dockerfile = "Dockerfile"
	}
	bc := &buildContext{dir: dir, dockerfile: filepath.ToSlash(filepath.Clean(dockerfile))}
	if !filepath.IsLocal(dockerfile) {
		bc.extra = filepath.Join(dir, dockerfile)
		if filepath.IsAbs(dockerfile) {
			bc.extra = dockerfile
		}
		bc.dockerfile = outsideDockerfile
	}
	ig, err := readDockerignore(dir, bc.dockerfile)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		if ig.excluded(rel) {
			if d.IsDir() && !ig.negations {
				return filepath.SkipDir
			}
			return nil
		}
		bc.files = append(bc.files, rel)
		return digestFile(h, p, rel)
	})
	if err != nil {
		return nil, fmt.Errorf("read build context %s: %w", dir, err)
	}
	if bc.extra != "" {
		if err := digestFile(h, bc.extra, outsideDockerfile); err != nil {
			return nil, fmt.Errorf("read Dockerfile %s: %w", bc.extra, err)
		}
	}
	bc.digest = "sha256:" + hex.EncodeToString(h.Sum(nil))
	return bc, nil
}

// digestFile adds the path, mode and content (or link target) of file p,
// named rel in the context, to h.
func digestFile(h io.Writer, p, rel string) error {
	fi, err := os.Lstat(p)
	if err != nil {
		return err
	}
	fmt.Fprintf(h, "%s\x00%s\x00", rel, strconv.FormatUint(uint64(fi.Mode()), 8))
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(p)
		if err != nil {
			return err
		}
		_, _ = io.WriteString(h, target)
	case fi.Mode().IsRegular():
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		if _, err := io.Copy(h, f); err != nil {
			return err
		}
	}
	_, _ = h.Write([]byte{0})
	return nil
}

// writeTar writes the context as a tar to w.
func (bc *buildContext) writeTar(w io.Writer) error {
	tw := tar.NewWriter(w)
	for _, rel := range bc.files {
		if err := addFile(tw, filepath.Join(bc.dir, filepath.FromSlash(rel)), rel); err != nil {
			return err
		}
	}
	if bc.extra != "" {
		if err := addFile(tw, bc.extra, outsideDockerfile); err != nil {
			return err
		}
	}
	return tw.Close()
}

func addFile(tw *tar.Writer, p, name string) error {
	fi, err := os.Lstat(p)
	if err != nil {
		return fmt.Errorf("add %s to build context: %w", name, err)
	}
	link := ""
	if fi.Mode()&fs.ModeSymlink != 0 {
		if link, err = os.Readlink(p); err != nil {
			return fmt.Errorf("add %s to build context: %w", name, err)
		}
	}
	hdr, err := tar.FileInfoHeader(fi, link)
	if err != nil {
		return fmt.Errorf("add %s to build context: %w", name, err)
	}
	hdr.Name = path.Clean(name)
	if fi.IsDir() {
		hdr.Name += "/"
	}
	hdr.Uname, hdr.Gname = "", ""
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("add %s to build context: %w", name, err)
	}
	if !fi.Mode().IsRegular() {
		return nil
	}
	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("add %s to build context: %w", name, err)
	}
	defer f.Close()
	if _, err := io.Copy(tw, f); err != nil {
		return fmt.Errorf("add %s to build context: %w", name, err)
	}
	return nil
}

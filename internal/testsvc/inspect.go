package testsvc

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/mattn/go-isatty"
)

// fetchTimeout bounds one GET /fetch.
const fetchTimeout = 5 * time.Second

// maxRead bounds what GET /file and GET /fetch return.
const maxRead = 1 << 20

// FileInfo is GET /file's answer.
type FileInfo struct {
	Path     string `json:"path"`
	Content  string `json:"content"`
	Mode     string `json:"mode"`     // permission bits, octal ("0600")
	Writable bool   `json:"writable"` // the file opens for writing (not a read-only mount)
}

// TTYInfo is GET /tty's answer.
type TTYInfo struct {
	Stdin bool `json:"stdin"` // stdin is a terminal
}

// addInspect registers the routes that let a test see the container from
// inside: a file, another service over the network, the terminal.
//
//	GET /file?path=P   FileInfo of P (404 when missing)
//	GET /fetch?url=U   U's body as fetched from here (502 when it fails)
//	GET /tty           TTYInfo
func addInspect(mux *http.ServeMux, stdinTTY func() bool) {
	mux.HandleFunc("GET /file", func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Query().Get("path")
		fi, err := os.Stat(p)
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		f, err := os.Open(p)
		if err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		b, err := io.ReadAll(io.LimitReader(f, maxRead))
		f.Close()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		info := FileInfo{Path: p, Content: string(b), Mode: fmt.Sprintf("%04o", fi.Mode().Perm())}
		if wf, err := os.OpenFile(p, os.O_WRONLY, 0); err == nil {
			info.Writable = true
			wf.Close()
		}
		writeJSON(w, info)
	})
	client := &http.Client{Timeout: fetchTimeout}
	mux.HandleFunc("GET /fetch", func(w http.ResponseWriter, r *http.Request) {
		resp, err := client.Get(r.URL.Query().Get("url"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, io.LimitReader(resp.Body, maxRead))
	})
	mux.HandleFunc("GET /tty", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, TTYInfo{Stdin: stdinTTY()})
	})
}

// stdinIsTerminal reports whether this process's stdin is a terminal.
func stdinIsTerminal() bool {
	fd := os.Stdin.Fd()
	return isatty.IsTerminal(fd) || isatty.IsCygwinTerminal(fd)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

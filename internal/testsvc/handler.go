package testsvc

import (
	"fmt"
	"net/http"
	"strconv"
)

// maxHoldMB bounds one POST /hold request.
const maxHoldMB = 1 << 16

// NewHandler returns the HTTP API served on every port:
//
//	GET  /healthz     200 "ok" when Healthy, 503 with the state otherwise
//	GET  /            200 with the service name
//	POST /unhealthy   mark unhealthy; POST /healthy clears the mark
//	POST /crash       answer, then call crash (the server then exits)
//	POST /hold?mb=N   hold N more MB; answers the total held
//	GET  /file?path=P the content, mode and writability of file P
//	GET  /fetch?url=U fetch U from inside the container (another service)
//	GET  /tty         whether stdin is a terminal
//
// crash is called after the response has been flushed.
func NewHandler(name string, h *Health, mem *Holder, crash func()) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		if st := h.State(); st != Healthy {
			http.Error(w, st.String(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, name)
	})
	mux.HandleFunc("POST /unhealthy", func(w http.ResponseWriter, _ *http.Request) {
		h.SetHealthy(false)
		fmt.Fprintln(w, "unhealthy")
	})
	mux.HandleFunc("POST /healthy", func(w http.ResponseWriter, _ *http.Request) {
		h.SetHealthy(true)
		fmt.Fprintln(w, "healthy")
	})
	mux.HandleFunc("POST /crash", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "crashing")
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		crash()
	})
	mux.HandleFunc("POST /hold", func(w http.ResponseWriter, r *http.Request) {
		mb, err := strconv.Atoi(r.URL.Query().Get("mb"))
		if err != nil || mb < 0 || mb > maxHoldMB {
			http.Error(w, fmt.Sprintf("hold memory: want mb=0..%d", maxHoldMB), http.StatusBadRequest)
			return
		}
		total, err := mem.Hold(mb)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "holding %d MB\n", total)
	})
	addInspect(mux, stdinIsTerminal)
	return mux
}

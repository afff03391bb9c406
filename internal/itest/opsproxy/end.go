package opsproxy

import (
	"bufio"
	"net"
	"net/http"
	"strconv"
)

// endWriter ends a call's count (done) before its caller can see the
// call end, so the caller cannot have released its slot and started
// another call while the proxy still counts this one:
//   - a response with a Content-Length ends with the write that completes
//     its body, so done runs before that write; one without a body (204,
//     304, length 0) before its header;
//   - a chunked response ends with the terminating chunk the server writes
//     after the handler returned, after done (deferred in the handler);
//   - a hijacked stream (an exec) ends for the caller when the daemon's
//     side ended and the proxy closes the caller's side for writing, so
//     done runs before that close, or when the caller closes its side
//     (it gave up), which the proxy sees only afterwards: such a call can
//     be counted a moment after its caller let its slot go.
type endWriter struct {
	http.ResponseWriter
	done    func()
	length  int64 // -1: unknown (chunked); set at the first write
	written int64
	started bool
}

func (w *endWriter) WriteHeader(code int) {
	w.start(code)
	w.ResponseWriter.WriteHeader(code)
}

func (w *endWriter) Write(b []byte) (int, error) {
	if !w.started {
		w.start(http.StatusOK)
	}
	if w.length >= 0 && w.written+int64(len(b)) >= w.length {
		w.done()
	}
	n, err := w.ResponseWriter.Write(b)
	w.written += int64(n)
	return n, err
}

// start reads the response's length from its header.
func (w *endWriter) start(code int) {
	if w.started {
		return
	}
	w.started = true
	w.length = -1
	if code == http.StatusSwitchingProtocols {
		return
	}
	if code == http.StatusNoContent || code == http.StatusNotModified {
		w.length = 0
	} else if n, err := strconv.ParseInt(w.Header().Get("Content-Length"), 10, 64); err == nil {
		w.length = n
	}
	if w.length == 0 {
		w.done()
	}
}

// Flush passes a flush on (streams: events, logs, pull progress).
func (w *endWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack hands the proxy the caller's connection, wrapped so that closing
// it, or the caller's end of it, ends the count.
func (w *endWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	return &endConn{Conn: c, done: w.done}, brw, nil
}

// endConn is a hijacked caller's connection that ends the call's count
// when the proxy closes it (for writing or whole), or when the caller's
// side of it ends.
type endConn struct {
	net.Conn
	done func()
}

func (c *endConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if err != nil {
		c.done()
	}
	return n, err
}

func (c *endConn) CloseWrite() error {
	c.done()
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

func (c *endConn) Close() error {
	c.done()
	return c.Conn.Close()
}

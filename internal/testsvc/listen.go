package testsvc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// listen opens every configured port and serves the API on each. Serve
// errors (other than a shutdown) arrive on the returned channel. On error
// nothing is left listening.
func (s *Server) listen() ([]*http.Server, <-chan error, error) {
	h := NewHandler(s.cfg.Name, &s.health, &s.mem, s.requestCrash)
	var lns []net.Listener
	for _, p := range s.cfg.Ports {
		ln, err := net.Listen("tcp", net.JoinHostPort(s.opts.Host, strconv.Itoa(p)))
		if err != nil {
			for _, l := range lns {
				l.Close()
			}
			return nil, nil, fmt.Errorf("listen on port %d: %w", p, err)
		}
		lns = append(lns, ln)
	}
	errc := make(chan error, len(lns))
	srvs := make([]*http.Server, 0, len(lns))
	addrs := make([]net.Addr, 0, len(lns))
	for _, ln := range lns {
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		srvs = append(srvs, srv)
		addrs = append(addrs, ln.Addr())
		go func() {
			if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("serve %s: %w", ln.Addr(), err)
			}
		}()
	}
	s.mu.Lock()
	s.addrs = addrs
	s.mu.Unlock()
	return srvs, errc, nil
}

// shutdown stops srvs gracefully: listeners close at once, requests in
// flight (such as the answer to POST /crash) get up to shutdownGrace.
func shutdown(srvs []*http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	for _, srv := range srvs {
		if srv.Shutdown(ctx) != nil {
			srv.Close()
		}
	}
}

func joinPorts(ports []int) string {
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = strconv.Itoa(p)
	}
	return strings.Join(s, ",")
}

func joinAddrs(addrs []net.Addr) string {
	s := make([]string, len(addrs))
	for i, a := range addrs {
		s[i] = a.String()
	}
	return strings.Join(s, ",")
}

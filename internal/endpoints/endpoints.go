// Package endpoints turns the published ports of an environment's services
// into the BERTH_* variables test code reads, and prints them in the
// formats `berth env` offers. It is pure.
package endpoints

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Port is one published port of a service.
type Port struct {
	Service       string
	ContainerPort int
	Protocol      string // "tcp" or "udp"
	HostIP        string
	HostPort      int
}

// Vars returns, for each service with published ports, BERTH_<SERVICE>_HOST,
// BERTH_<SERVICE>_PORT_<CONTAINER_PORT> for each port, and BERTH_<SERVICE>_PORT
// for its lowest container port. Service names are upper-cased and every
// other character becomes '_'. host is where published ports are reached
// (see [Host]).
func Vars(host string, ports []Port) map[string]string {
	sorted := slices.Clone(ports)
	slices.SortFunc(sorted, func(a, b Port) int {
		return cmp.Or(cmp.Compare(a.Service, b.Service), cmp.Compare(a.ContainerPort, b.ContainerPort),
			cmp.Compare(a.Protocol, b.Protocol))
	})
	vars := map[string]string{}
	for _, p := range sorted {
		if p.HostPort == 0 {
			continue
		}
		prefix := "BERTH_" + Name(p.Service)
		h := host
		if p.HostIP != "" && p.HostIP != "0.0.0.0" && p.HostIP != "::" {
			h = p.HostIP
		}
		port := strconv.Itoa(p.HostPort)
		if _, ok := vars[prefix+"_PORT"]; !ok {
			vars[prefix+"_HOST"] = h
			vars[prefix+"_PORT"] = port
		}
		key := fmt.Sprintf("%s_PORT_%d", prefix, p.ContainerPort)
		if p.Protocol == "udp" {
			key += "_UDP"
		}
		if _, ok := vars[key]; !ok {
			vars[key] = port
		}
	}
	return vars
}

// Name maps a service name to its variable form: upper case, and every
// character other than A-Z and 0-9 becomes '_'.
func Name(service string) string {
	return strings.Map(func(r rune) rune {
		r = unicode.ToUpper(r)
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			return r
		}
		return '_'
	}, service)
}

// Host is where the daemon's published ports are reached from this
// machine: the host of a tcp:// daemon endpoint, else 127.0.0.1 (local
// sockets, named pipes, Docker Desktop).
func Host(daemonEndpoint string) string {
	u, err := url.Parse(daemonEndpoint)
	if err != nil || (u.Scheme != "tcp" && u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return "127.0.0.1"
	}
	return u.Hostname()
}

package console

import (
	"fmt"
	"strconv"

	"github.com/berth-dev/berth/internal/endpoints"
)

// Port returns "host:port" where service's container port is published,
// from an environment's BERTH_* endpoint variables: the same host as
// BERTH_<SERVICE>_HOST. ok is false when the port is not published.
func Port(vars map[string]string, service string, port int) (string, bool) {
	prefix := "BERTH_" + endpoints.Name(service)
	p, ok := vars[prefix+"_PORT_"+strconv.Itoa(port)]
	if !ok {
		return "", false
	}
	return fmt.Sprintf("%s:%s", vars[prefix+"_HOST"], p), true
}

package pyscan

import (
	"strings"

	"github.com/berth-dev/berth/internal/audit/fact"
	"github.com/berth-dev/berth/internal/audit/pytok"
)

// sdkMethods are the Docker SDK methods the rules judge.
var sdkMethods = map[string]bool{
	"remove": true, "remove_container": true, "stop": true, "stop_container": true, "restart": true,
	"prune": true, "prune_containers": true, "prune_volumes": true, "prune_images": true,
	"prune_networks": true, "prune_builds": true,
}

// sdkCall records a method call that may be the Docker SDK's.
func sdkCall(file string, s stmt, c call) fact.Call {
	out := fact.Call{Loc: fact.Loc{File: file, Line: c.start.Line, Col: c.start.Col}, Lang: "python",
		Method: c.name, Receiver: c.recvText(), Options: map[string]string{}, Ctx: s.ctx}
	for k, v := range c.kwargs {
		out.Options[k] = text(v)
	}
	for _, a := range c.args {
		out.Args = append(out.Args, text(a))
	}
	if len(c.args) > 0 && len(c.args[0]) == 1 {
		switch a := c.args[0][0]; a.Kind {
		case pytok.Name, pytok.Number:
			out.Target = a.Text
		case pytok.String:
			out.Target = a.Value
		}
	}
	return out
}

// moduleCall reports a call on an imported module that is not a Docker
// SDK (os.remove, shutil.rmtree, signal.stop...): never a container's.
func moduleCall(c call, names map[string]string) bool {
	if len(c.recv) == 0 || c.recv[0].Kind != pytok.Name {
		return false
	}
	mod, ok := names[c.recv[0].Text]
	return ok && !sdkModules[strings.Split(mod, ".")[0]]
}

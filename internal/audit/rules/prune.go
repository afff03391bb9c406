package rules

import (
	"fmt"
	"strings"

	"github.com/berth-dev/berth/internal/audit/fact"
)

// globalPrunes are the prunes that reach beyond their caller's objects.
var globalPrunes = map[string]bool{"system prune": true, "volume prune": true, "builder prune": true,
	"container prune": true, "network prune": true}

// globalPruneCmd: a docker prune without a label filter. An image prune
// counts only with -a (without it, it removes dangling images only).
func globalPruneCmd(x dockerFact) []Finding {
	d := x.d
	if !globalPrunes[d.Sub] && !(d.Sub == "image prune" && d.has("a", "all")) {
		return nil
	}
	for _, f := range d.Flags["filter"] {
		if strings.HasPrefix(f, "label=") || strings.HasPrefix(f, "label!=") || !fact.Known(f) {
			return nil
		}
	}
	return []Finding{found(GlobalPrune, x.cmd.Loc,
		fmt.Sprintf("docker %s removes every unused %s on the daemon, other runners' included", d.Sub, pruned(d.Sub)))}
}

func pruned(sub string) string {
	switch sub {
	case "system prune":
		return "container, network, image and build cache record"
	case "volume prune":
		return "volume"
	case "builder prune":
		return "build cache record"
	case "container prune":
		return "stopped container"
	case "network prune":
		return "network"
	}
	return "image"
}

// SDK prunes: the Python SDK's collections' prune(), its low-level
// client's prune_*(), the Go clients' *Prune methods.
var (
	pyCollections = []string{".containers", ".volumes", ".images", ".networks"}
	pyAPIPrunes   = map[string]bool{"prune_containers": true, "prune_volumes": true, "prune_images": true,
		"prune_networks": true, "prune_builds": true}
	goPrunes = map[string]bool{"ContainersPrune": true, "VolumesPrune": true, "ImagesPrune": true, "NetworksPrune": true,
		"BuildCachePrune": true, "PruneContainers": true, "PruneVolumes": true, "PruneImages": true, "PruneNetworks": true}
)

// globalPruneCall: an SDK prune in test code whose filters do not scope
// it by label. An image prune counts only when its filters ask for
// more than dangling images (dangling: false), as docker image prune -a.
func globalPruneCall(c fact.Call) []Finding {
	if !c.SDK || !c.Ctx.Test || !isPruneCall(c) {
		return nil
	}
	filters := strings.ToLower(c.Options["filters"] + " " + c.Options["Filters"] + " " + strings.Join(c.Args, " "))
	if strings.Contains(filters, "label") {
		return nil
	}
	if images := strings.Contains(strings.ToLower(c.Method+c.Receiver), "image"); images &&
		!(strings.Contains(filters, "dangling") && (strings.Contains(filters, "false") || strings.Contains(filters, "0"))) {
		return nil
	}
	return []Finding{found(GlobalPrune, c.Loc, fmt.Sprintf("%s removes every unused object of its kind on the daemon, other runners' included", c.Method))}
}

func isPruneCall(c fact.Call) bool {
	switch c.Lang {
	case "python":
		if pyAPIPrunes[c.Method] {
			return true
		}
		for _, s := range pyCollections {
			if c.Method == "prune" && strings.HasSuffix(c.Receiver, s) {
				return true
			}
		}
	case "go":
		return goPrunes[c.Method]
	}
	return false
}

package rules

import (
	"fmt"
	"strings"

	"github.com/berth-dev/berth/internal/audit/fact"
)

// forcedRemovalCmd: docker rm with its force flag, short or long (docker
// container rm too).
func forcedRemovalCmd(x dockerFact) []Finding {
	if x.d.Sub != "rm" || !x.d.has("f", "force") {
		return nil
	}
	return []Finding{found(ForcedRemoval, x.cmd.Loc,
		"docker rm --force kills running containers with SIGKILL and removes them at once, without their stop signal or grace period")}
}

// forcedRemovalCall: a container removal with the SDK's force option set
// (Python's container.remove and api.remove_container, Go's
// ContainerRemove and RemoveContainer).
// client.images.remove(force=True) removes an image, not a container.
func forcedRemovalCall(c fact.Call) []Finding {
	switch {
	case c.Lang == "python" && (c.Method == "remove" || c.Method == "remove_container") && c.Options["force"] == "True" &&
		!strings.HasSuffix(c.Receiver, ".images"):
	case c.Lang == "go" && c.SDK && (c.Method == "ContainerRemove" || c.Method == "RemoveContainer") && c.Options["Force"] == "true":
	default:
		return nil
	}
	return []Finding{found(ForcedRemoval, c.Loc, fmt.Sprintf("%s with force kills a running container and removes it without its grace period", c.Method))}
}

// removes reports whether a command or call removes a container without
// force (forced ones are reported as forced removals already).
func removesCmd(x dockerFact) bool { return x.d.Sub == "rm" && !x.d.has("f", "force") }

func removesCall(c fact.Call) bool {
	switch c.Method {
	case "remove", "remove_container":
		return c.Lang == "python" && c.SDK && c.Options["force"] != "True" && !strings.HasSuffix(c.Receiver, ".images")
	case "ContainerRemove", "RemoveContainer":
		return c.Lang == "go" && c.SDK && c.Options["Force"] != "true"
	}
	return false
}

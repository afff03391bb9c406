package berth

import "runtime/debug"

// Version is berth's version: set at link time with
// -ldflags "-X github.com/berth-dev/berth.version=v1.2.3", else the module
// version from the build info, else "dev".
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

var version string // set by the linker only

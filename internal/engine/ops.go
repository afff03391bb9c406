package engine

// Op names one kind of Engine operation; the gate keeps counters and
// latencies per Op and decides from it whether a call mutates the daemon.
type Op string

// The operations of [Engine].
const (
	OpPing              Op = "ping"
	OpInfo              Op = "info"
	OpVersion           Op = "version"
	OpDiskUsage         Op = "disk_usage"
	OpEvents            Op = "events"
	OpContainerCreate   Op = "container_create"
	OpContainerStart    Op = "container_start"
	OpContainerStop     Op = "container_stop"
	OpContainerInspect  Op = "container_inspect"
	OpContainerList     Op = "container_list"
	OpContainerRemove   Op = "container_remove"
	OpContainerLogs     Op = "container_logs"
	OpContainerStats    Op = "container_stats"
	OpContainerExec     Op = "container_exec"
	OpNetworkCreate     Op = "network_create"
	OpNetworkInspect    Op = "network_inspect"
	OpNetworkList       Op = "network_list"
	OpNetworkDisconnect Op = "network_disconnect"
	OpNetworkRemove     Op = "network_remove"
	OpVolumeCreate      Op = "volume_create"
	OpVolumeList        Op = "volume_list"
	OpVolumeRemove      Op = "volume_remove"
	OpImageInspect      Op = "image_inspect"
	OpImageRemove       Op = "image_remove"
	OpImageImport       Op = "image_import"
	OpImagePull         Op = "image_pull"
	OpImageBuild        Op = "image_build"
	OpBuildCachePrune   Op = "build_cache_prune"
)

// Mutating reports whether op changes daemon state. Mutating operations
// take a concurrency slot and spend the rate budget; reads do neither.
// Exec counts as mutating: it starts a process in a container.
func (op Op) Mutating() bool {
	switch op {
	case OpContainerCreate, OpContainerStart, OpContainerStop,
		OpContainerRemove, OpContainerExec,
		OpNetworkCreate, OpNetworkDisconnect, OpNetworkRemove,
		OpVolumeCreate, OpVolumeRemove,
		OpImageRemove, OpImageImport, OpImagePull, OpImageBuild, OpBuildCachePrune:
		return true
	}
	return false
}

package engine

// PullOptions tune [Engine.ImagePull].
type PullOptions struct {
	// Platform is "os/arch[/variant]"; "" pulls for the daemon's platform.
	Platform string
}

// PullProgress is one step of a pull as the daemon reports it: a layer's
// status ("Pulling fs layer", "Downloading", "Download complete", "Pull
// complete", "Already exists") with its bytes when known. Layer is "" for
// messages about the whole image ("Digest: ...", "Status: ...").
type PullProgress struct {
	Layer   string
	Status  string
	Current int64 // bytes so far; 0 when unknown
	Total   int64 // the layer's size; 0 when unknown
}

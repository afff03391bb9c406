package compose

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// hashProject is the sha256 (hex) of the canonical JSON of p without Hash,
// Files and WorkingDir: the same effective configuration from another
// checkout or another file layout hashes the same, while any effective
// value (bind and build paths included, since they are absolute) changes
// it. x-berth.readiness is left out too: it changes how berth waits for
// the services, not what it creates. encoding/json writes map keys sorted and every slice of Project is
// already in a deterministic order, so the encoding is canonical.
func hashProject(p *Project) (string, error) {
	c := *p
	c.Hash, c.Files, c.WorkingDir = "", nil, ""
	c.Berth.Readiness = ""
	b, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

package docker

import (
	"fmt"
	"io"

	"github.com/distribution/reference"
	"github.com/docker/cli/cli/config"
	"github.com/moby/moby/api/pkg/authconfig"
	"github.com/moby/moby/api/types/registry"
)

// dockerHubAuthKey is the key under which the docker CLI keeps Docker
// Hub's credentials.
const dockerHubAuthKey = "https://index.docker.io/v1/"

// registryOf returns the registry host of image reference ref
// ("docker.io" for an unqualified name) and the key the docker CLI files
// its credentials under.
func registryOf(ref string) (host, authKey string, err error) {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return "", "", fmt.Errorf("image reference %q: %w", ref, err)
	}
	host = reference.Domain(named)
	if host == "docker.io" {
		return host, dockerHubAuthKey, nil
	}
	return host, host, nil
}

// registryAuth finds the credentials for ref's registry as the docker CLI
// does ($DOCKER_CONFIG or ~/.docker/config.json: auths, credsStore,
// credHelpers) and encodes them for the X-Registry-Auth header. No
// credentials is an empty string, not an error: public images need none.
func registryAuth(ref string) (string, error) {
	_, key, err := registryOf(ref)
	if err != nil {
		return "", err
	}
	cf := config.LoadDefaultConfigFile(io.Discard)
	ac, err := cf.GetAuthConfig(key)
	if err != nil {
		return "", fmt.Errorf("read credentials for %s: %w", key, err)
	}
	if ac.Username == "" && ac.Password == "" && ac.Auth == "" && ac.IdentityToken == "" && ac.RegistryToken == "" {
		return "", nil
	}
	return authconfig.Encode(registry.AuthConfig{Username: ac.Username, Password: ac.Password, Auth: ac.Auth,
		ServerAddress: ac.ServerAddress, IdentityToken: ac.IdentityToken, RegistryToken: ac.RegistryToken})
}

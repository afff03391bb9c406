// Package console is what a person at a terminal does with a running
// environment: read its services' logs ([Logs]), run a command in one of
// its containers ([Exec]), find a service's host port ([Port]). Every
// Docker call goes through the engine it is given (berth's gate); the
// streaming calls hold no operation slot while they stream.
package console

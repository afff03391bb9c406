package docker

import (
	"bytes"
	"io"
	"strings"
)

// execFailurePrefix starts the message a 20.10 daemon writes to an exec's
// output stream when it cannot start the command (it then reports exit
// code 126, whatever the cause).
const execFailurePrefix = "OCI runtime exec failed"

// startSniffer passes an exec's stdout through, except when the stream
// starts with the daemon's start-failure message: that message is kept
// apart, so it is reported as berth's error and not as the command's output.
type startSniffer struct {
	w       io.Writer
	head    []byte // bytes held until the prefix is decided
	decided bool
	failure bytes.Buffer // the daemon's message, when it is one
	failed  bool
}

func (s *startSniffer) Write(p []byte) (int, error) {
	n := len(p)
	if s.failed {
		s.failure.Write(p)
		return n, nil
	}
	if s.decided {
		_, err := s.w.Write(p)
		return n, err
	}
	s.head = append(s.head, p...)
	if len(s.head) < len(execFailurePrefix) && strings.HasPrefix(execFailurePrefix, string(s.head)) {
		return n, nil // not enough to tell yet
	}
	s.decided = true
	if bytes.HasPrefix(s.head, []byte(execFailurePrefix)) {
		s.failed = true
		s.failure.Write(s.head)
		return n, nil
	}
	_, err := s.w.Write(s.head)
	s.head = nil
	return n, err
}

// flush writes held bytes of a stream too short to decide.
func (s *startSniffer) flush() error {
	if s.decided || len(s.head) == 0 {
		return nil
	}
	s.decided = true
	_, err := s.w.Write(s.head)
	return err
}

// startFailure is the daemon's message and the exit code the docker CLI's
// users expect for it: 127 when the command was not found, else 126.
func (s *startSniffer) startFailure() (msg string, code int, ok bool) {
	if !s.failed {
		return "", 0, false
	}
	msg = strings.TrimSpace(s.failure.String())
	if strings.Contains(msg, "not found") || strings.Contains(msg, "no such file or directory") {
		return msg, 127, true
	}
	return msg, 126, true
}

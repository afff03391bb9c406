package docker

import (
	"bytes"
	"testing"
)

func TestStartSnifferKeepsTheDaemonsStartFailureApart(t *testing.T) {
	for _, tc := range []struct {
		name   string
		chunks []string
		out    string
		code   int
		failed bool
	}{
		{"ordinary output", []string{"hello\n"}, "hello\n", 0, false},
		{"short output", []string{"O"}, "O", 0, false},
		{"output that starts like the prefix", []string{"OCI", " is fine\n"}, "OCI is fine\n", 0, false},
		{"not found", []string{"OCI runtime exec ", "failed: exec failed: exec: \"foo\": executable file not found in $PATH: unknown\r\n"}, "", 127, true},
		{"no such file", []string{"OCI runtime exec failed: exec: \"/x\": stat /x: no such file or directory\n"}, "", 127, true},
		{"permission denied", []string{"OCI runtime exec failed: exec: \"/etc\": permission denied\n"}, "", 126, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			s := &startSniffer{w: &out}
			for _, c := range tc.chunks {
				if _, err := s.Write([]byte(c)); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.flush(); err != nil {
				t.Fatal(err)
			}
			msg, code, failed := s.startFailure()
			if out.String() != tc.out || failed != tc.failed || code != tc.code {
				t.Fatalf("out %q failed %v code %d msg %q", out.String(), failed, code, msg)
			}
		})
	}
}

package leases

import (
	"time"

	"golang.org/x/sys/windows"
)

// handleWatch waits on the process handle, which is signalled when the
// process exits. Untested on Windows (it compiles; CI runs Linux).
type handleWatch struct{ h windows.Handle }

func watchProcess(pid int) (processWatch, error) {
	h, err := windows.OpenProcess(windows.SYNCHRONIZE|windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return nil, err
	}
	return &handleWatch{h: h}, nil
}

func (w *handleWatch) wait(d time.Duration) (bool, error) {
	ev, err := windows.WaitForSingleObject(w.h, uint32(d.Milliseconds()))
	if err != nil {
		return false, err
	}
	return ev == windows.WAIT_OBJECT_0, nil
}

func (w *handleWatch) close() { _ = windows.CloseHandle(w.h) }

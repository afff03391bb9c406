package proc

import (
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"strconv"
)

// Layout of the Linux start value: bit 62 always set (so the value is never
// 0 and stays positive as an int64), bits 40..61 a hash of the boot ID,
// bits 0..39 the start time in clock ticks since boot (2^40 ticks at the
// usual 100 Hz is over 300 years).
const (
	startMarker = uint64(1) << 62
	ticksBits   = 40
	ticksMask   = uint64(1)<<ticksBits - 1
	bootMask    = uint64(1)<<22 - 1
)

func startTime(pid int) (uint64, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if errors.Is(err, os.ErrNotExist) {
		return 0, ErrNoProcess
	}
	if err != nil {
		return 0, err
	}
	state, ticks, err := parseStat(data)
	if err != nil {
		return 0, err
	}
	if state == 'Z' || state == 'X' {
		return 0, ErrNoProcess
	}
	return startMarker | (bootHash()&bootMask)<<ticksBits | ticks&ticksMask, nil
}

// parseStat extracts the state (field 3) and starttime (field 22) from the
// contents of /proc/<pid>/stat. The command name (field 2) is in
// parentheses and may itself contain spaces and parentheses, so the fields
// are counted from the last ')'.
func parseStat(data []byte) (state byte, ticks uint64, err error) {
	end := bytes.LastIndexByte(data, ')')
	if end < 0 {
		return 0, 0, fmt.Errorf("parse /proc stat: no ')' in %q", data)
	}
	fields := bytes.Fields(data[end+1:])
	// fields[0] is field 3 (state), so field 22 is fields[19].
	const startIdx = 22 - 3
	if len(fields) <= startIdx || len(fields[0]) != 1 {
		return 0, 0, fmt.Errorf("parse /proc stat: %d fields after the command name, want more than %d", len(fields), startIdx)
	}
	ticks, err = strconv.ParseUint(string(fields[startIdx]), 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("parse /proc stat starttime: %w", err)
	}
	return fields[0][0], ticks, nil
}

// bootHash hashes this boot's ID; 0 if it cannot be read (start values are
// then still correct within one boot).
func bootHash() uint64 {
	id, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return 0
	}
	h := fnv.New64a()
	_, _ = h.Write(bytes.TrimSpace(id))
	return h.Sum64()
}

package memory

import (
	"fmt"
	"strings"
)

// HighPercent is the usage, in percent of the limit, from which a
// container is under HIGH memory pressure.
const HighPercent = 70.0

// Pressure is usage as a percentage of limit, and whether it is HIGH
// (>= [HighPercent]). A limit <= 0 (none) gives 0 and false: without a
// limit there is nothing to be near.
func Pressure(usage, limit int64) (percent float64, high bool) {
	if limit <= 0 {
		return 0, false
	}
	percent = float64(max(usage, 0)) * 100 / float64(limit)
	return percent, percent >= HighPercent
}

// Admit decides whether an environment needing need bytes fits in a
// daemon of total bytes of which reserved are already reserved by other
// environments. free is what is left before the new one (never negative).
// A need of 0 (no service declares a limit) is always admitted; so is any
// need when total is unknown (<= 0).
func Admit(need, total, reserved int64) (ok bool, free int64) {
	free = max(total-reserved, 0)
	if need <= 0 || total <= 0 {
		return true, free
	}
	return need <= free, free
}

// Refusal describes a refused admission, for [Refusal.Message].
type Refusal struct {
	EnvID    string
	Need     int64 // sum of the environment's memory limits
	Total    int64 // the daemon's memory
	Reserved int64 // sum of the limits of other live environments' containers
	LiveEnvs int   // how many environments hold Reserved
	// Unlimited names the services without a memory limit: they count 0.
	Unlimited []string
}

// Message says what was refused, why, and what to do next.
func (r Refusal) Message() string {
	var b strings.Builder
	if r.Need > r.Total {
		fmt.Fprintf(&b, "environment %s needs %s of memory (the sum of its services' memory limits), "+
			"but the daemon has %s in total, so it can never fit", r.EnvID, Bytes(r.Need), Bytes(r.Total))
		if len(r.Unlimited) > 0 {
			fmt.Fprintf(&b, "; services without a memory limit count as 0: %s", strings.Join(r.Unlimited, ", "))
		}
		b.WriteString("; lower mem_limit (or x-berth.memory), or give the daemon more memory")
		return b.String()
	}
	fmt.Fprintf(&b, "environment %s needs %s of memory (the sum of its services' memory limits), "+
		"but the daemon has %s in total and %s is reserved by %d live environment%s (%s free)",
		r.EnvID, Bytes(r.Need), Bytes(r.Total), Bytes(r.Reserved), r.LiveEnvs, plural(r.LiveEnvs),
		Bytes(max(r.Total-r.Reserved, 0)))
	if len(r.Unlimited) > 0 {
		fmt.Fprintf(&b, "; services without a memory limit count as 0: %s", strings.Join(r.Unlimited, ", "))
	}
	b.WriteString("; release or tear down other environments (berth ps, berth down, berth gc), " +
		"lower mem_limit (or x-berth.memory), or wait with --wait-for-memory DURATION")
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Bytes formats n in binary units: "512 B", "32 MiB", "1.5 GiB".
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	v := float64(n) / float64(div)
	s := fmt.Sprintf("%.1f", v)
	s = strings.TrimSuffix(s, ".0")
	return s + " " + string("KMGTP"[exp]) + "iB"
}

package doctor

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
)

// Report is doctor's whole answer, as printed by --json.
type Report struct {
	Status   Level     `json:"status"`
	Facts    Facts     `json:"facts"`
	Findings []Finding `json:"findings"`
}

// NewReport evaluates facts into a report.
func NewReport(f Facts) Report {
	fs := Evaluate(f)
	return Report{Status: Worst(fs), Facts: f, Findings: fs}
}

// WriteJSON prints the report as one JSON document.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText prints the report for people.
func (r Report) WriteText(w io.Writer) error {
	f := r.Facts
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "daemon\t%s\n", f.Endpoint)
	if f.Reachable {
		v := f.Version
		fmt.Fprintf(tw, "ping\t%s\n", f.PingLatency.Round(10_000))
		fmt.Fprintf(tw, "server\tDocker %s, API %s (daemon max %s, min %s)\n", v.ServerVersion, v.APIVersion, v.MaxAPIVersion, v.MinAPIVersion)
		fmt.Fprintf(tw, "platform\t%s/%s, kernel %s, %s\n", v.OS, v.Arch, v.KernelVersion, f.Info.OperatingSystem)
		fmt.Fprintf(tw, "resources\t%d CPUs, %s memory\n", f.Info.NCPU, Bytes(f.Info.MemTotal))
		fmt.Fprintf(tw, "containers\t%d running, %d exited\n", f.Info.ContainersRunning, f.ExitedContainers)
		fmt.Fprintf(tw, "berth-labelled\t%d containers (%d exited), %d networks, %d volumes\n",
			f.BerthContainers, f.BerthExitedContainers, f.BerthNetworks, f.BerthVolumes)
		fmt.Fprintf(tw, "state dir\t%s\n", f.State.Path)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if f.Reachable {
		fmt.Fprintln(w)
		if err := writeDisk(w, f); err != nil {
			return err
		}
	}
	fmt.Fprintln(w)
	for _, x := range r.Findings {
		fmt.Fprintf(w, "%-4s  %s", x.Level, x.Detail)
		if x.Remedy != "" {
			fmt.Fprintf(w, "\n      -> %s", x.Remedy)
		}
		fmt.Fprintln(w)
	}
	return nil
}

func writeDisk(w io.Writer, f Facts) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "TYPE\tTOTAL\tACTIVE\tSIZE\tRECLAIMABLE\t")
	d := f.Disk
	for _, r := range []struct {
		name      string
		n, active int
		size, rec int64
	}{
		{"Images", d.Images.Count, d.Images.Active, d.Images.Size, d.Images.Reclaimable},
		{"Containers", d.Containers.Count, d.Containers.Active, d.Containers.Size, d.Containers.Reclaimable},
		{"Local Volumes", d.Volumes.Count, d.Volumes.Active, d.Volumes.Size, d.Volumes.Reclaimable},
		{"Build Cache", d.BuildCache.Count, d.BuildCache.Active, d.BuildCache.Size, d.BuildCache.Reclaimable},
	} {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t\n", r.name, r.n, r.active, Bytes(r.size), Bytes(r.rec))
	}
	fmt.Fprintf(tw, "Total\t\t\t%s\t%s\t\n", Bytes(d.Images.Size+d.Containers.Size+d.Volumes.Size+d.BuildCache.Size), Bytes(reclaimable(f)))
	return tw.Flush()
}

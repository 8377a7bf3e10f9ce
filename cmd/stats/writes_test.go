package stats

import (
	"strings"
	"testing"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/iostreams"
)

// countingWriter keeps what it is given and how many writes it took.
type countingWriter struct {
	strings.Builder
	writes int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.writes++
	return c.Builder.Write(p)
}

// TestTableReportIsBuffered holds the text report to a few writes: the
// tables write cell by cell, one system call each when unbuffered (10,391
// for 300 sessions).
func TestTableReportIsBuffered(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	out := &countingWriter{}
	ios.Out = out
	cmd := NewCmdStats(&factory.Factory{IOStreams: ios}, nil)
	cmd.SetArgs([]string{"../../testdata/sample.pcap"})
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Messages by type and direction") || out.Len() < 4<<10 {
		t.Fatalf("report of %d bytes:\n%s", out.Len(), out.String())
	}
	if out.writes > 2 {
		t.Errorf("a report of %d bytes took %d writes", out.Len(), out.writes)
	}
}

package read

import (
	"io"
	"path/filepath"
	"testing"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/iostreams"
)

// benchArgs runs read with extra flags over the benchmark capture; compare
// with BenchmarkReadJSONL of the same run.
func benchArgs(b *testing.B, args ...string) {
	path, msgs := benchCapture(b)
	ios, _, _, _ := iostreams.Test()
	ios.Out = io.Discard
	var opts *ReadOptions
	cmd := NewCmdRead(&factory.Factory{IOStreams: ios}, func(o *ReadOptions) error { opts = o; return nil })
	cmd.SetArgs(append(append([]string{"--color", "never"}, args...), path))
	if err := cmd.Execute(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := readRun(opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(msgs)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

func BenchmarkReadFields(b *testing.B) {
	benchArgs(b, "-T", "fields", "-e", "cti.num", "-e", "cti.time_relative", "-e", "cti.msg_type", "-e", "cti.CallID", "-e", "cti.AgentState", "-E", "display=y")
}

func BenchmarkReadFiltered(b *testing.B) {
	benchArgs(b, "-T", "jsonl", "-Y", `cti.msg_type == "AGENT_STATE_EVENT"`)
}

// BenchmarkReadWrite is -w of a quarter of the messages: two passes over
// the capture plus the packet copy.
func BenchmarkReadWrite(b *testing.B) {
	benchArgs(b, "-Y", `cti.msg_type == "AGENT_STATE_EVENT"`, "-w", filepath.Join(b.TempDir(), "out.pcap"))
}

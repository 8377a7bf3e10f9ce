package read

import (
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/ctishark/ctishark/dissect"
)

// benchCapture writes a capture of many short agent calls on one connection
// (about 20,000 messages) once per test binary run.
func benchCapture(b *testing.B) (path string, msgs int) {
	b.Helper()
	c := newCapture(captureStart)
	c.handshake()
	c.send(true, msg(b, "OPEN_REQ", []any{"InvokeID", 1, "VersionNumber", 13, "IdleTimeout", 120, "ServicesRequested", 0x05},
		"ClientID", "desk", "ClientPassword", []byte("pw"), "AgentExtension", "1001", "AgentID", "1001"), time.Millisecond)
	msgs = 1
	for i := 0; i < 2000; i++ {
		call := 16777217 + i
		for _, m := range [][]byte{
			msg(b, "BEGIN_CALL_EVENT", []any{"CallType", 1, "CallID", call, "NumNamedVariables", 1},
				"ConnectionDeviceID", "1001", "ANI", "4085551234", "DNIS", "5000", "NamedVariable", nvar),
			msg(b, "CALL_DELIVERED_EVENT", []any{"CallID", call, "LocalConnectionState", 2, "EventCause", 22},
				"ConnectionDeviceID", "1001", "CallingDeviceID", "4085551234", "CalledDeviceID", "1001"),
			msg(b, "AGENT_STATE_EVENT", []any{"AgentState", 4}, "AgentExtension", "1001", "AgentID", "1001"),
			msg(b, "CALL_ESTABLISHED_EVENT", []any{"CallID", call, "LocalConnectionState", 3, "EventCause", 22},
				"ConnectionDeviceID", "1001", "AnsweringDeviceID", "1001"),
			msg(b, "CALL_CONNECTION_CLEARED_EVENT", []any{"CallID", call, "LocalConnectionState", 0}, "ConnectionDeviceID", "1001"),
			msg(b, "CALL_CLEARED_EVENT", []any{"CallID", call}, "ConnectionDeviceID", "1001"),
			msg(b, "END_CALL_EVENT", []any{"CallID", call}, "ConnectionDeviceID", "1001"),
			msg(b, "AGENT_STATE_EVENT", []any{"AgentState", 3, "EventReasonCode", 32755}, "AgentExtension", "1001", "AgentID", "1001"),
		} {
			c.send(false, m, 10*time.Millisecond)
			msgs++
		}
		c.send(true, msg(b, "HEARTBEAT_REQ", []any{"InvokeID", 2 + i}), time.Millisecond)
		c.send(false, msg(b, "HEARTBEAT_CONF", []any{"InvokeID", 2 + i}), time.Millisecond)
		msgs += 2
	}
	path = filepath.Join(b.TempDir(), "bench.pcap")
	if err := os.WriteFile(path, c.bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	return path, msgs
}

var nvar = dissect.NamedVar("user.account", "42")

func benchRead(b *testing.B, format string) {
	path, msgs := benchCapture(b)
	if p := os.Getenv("CTISHARK_BENCH_PCAP"); p != "" {
		path, msgs = p, 0 // counted from the output below
	}
	ios, _, _, _ := iostreams.Test()
	ios.Out = io.Discard
	var opts *ReadOptions
	cmd := NewCmdRead(&factory.Factory{IOStreams: ios}, func(o *ReadOptions) error { opts = o; return nil })
	cmd.SetArgs([]string{"-T", format, "--color", "never", path})
	if err := cmd.Execute(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := readRun(opts); err != nil {
			b.Fatal(err)
		}
	}
	if msgs > 0 {
		b.ReportMetric(float64(msgs)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	}
}

func BenchmarkReadJSONL(b *testing.B) { benchRead(b, "jsonl") }
func BenchmarkReadTable(b *testing.B) { benchRead(b, "table") }
func BenchmarkReadTree(b *testing.B)  { benchRead(b, "tree") }

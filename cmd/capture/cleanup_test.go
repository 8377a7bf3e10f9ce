package capture

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/ctishark/ctishark/reassembly"
)

// Open's errors wrap their cause: a missing file is fs.ErrNotExist and a
// file that is no capture is reassembly.ErrUnknownFormat, while the text
// still names the file.
func TestOpenErrorsWrapTheirCause(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.pcap")
	if _, err := Open(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v is not fs.ErrNotExist", err)
	}
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("these are not packets, just words"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Open(text)
	if !errors.Is(err, reassembly.ErrUnknownFormat) || err.Error() != text+": not a pcap or pcapng capture" {
		t.Errorf("text file: %v", err)
	}
	if _, err := ReadAll(missing, ""); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadAll of a missing file: %v", err)
	}
}

// ReadAll's filter and WithFilter both apply: the positional one used to
// replace the option silently.
func TestReadAllFilterAndWithFilterBothApply(t *testing.T) {
	path, _, res := generate(t)
	want := 0
	for _, m := range res.Messages {
		if m.Type == "HEARTBEAT_REQ" && m.Conn == 1 {
			want++
		}
	}
	msgs, err := ReadAll(path, "cti.msg_type == HEARTBEAT_REQ", WithFilter("cti.stream == 1"))
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != want || want == 0 {
		t.Fatalf("%d messages, want the %d heartbeats of stream 1", len(msgs), want)
	}
	for _, m := range msgs {
		if m.Type() != "HEARTBEAT_REQ" || m.Stream() != 1 {
			t.Errorf("#%d %s on stream %d passed", m.Num(), m.Type(), m.Stream())
		}
	}
	// WithFilter alone, and a later WithFilter("") removing it.
	all, _ := ReadAll(path, "", WithFilter("cti.stream == 1"), WithFilter(""))
	if len(all) != len(res.Messages) {
		t.Errorf("WithFilter(\"\") left %d of %d messages", len(all), len(res.Messages))
	}
}

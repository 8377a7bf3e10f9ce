//go:build unix

package read

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// read -w reads each input twice (to choose packets, then to copy them);
// a FIFO cannot be, so it is spooled like standard input instead of the
// second open waiting forever for a writer.
func TestWriteFromFIFO(t *testing.T) {
	capture, _ := sampleCapture(t)
	data, err := os.ReadFile(capture)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "in.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	wrote := make(chan error, 1)
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			wrote <- err
			return
		}
		_, err = f.Write(data)
		f.Close()
		wrote <- err
	}()
	out := filepath.Join(dir, "out.pcap")
	r := run(t, false, nil, "-Y", `cti.msg_type == "OPEN_REQ"`, "-w", out, fifo)
	if err := <-wrote; err != nil {
		t.Fatal(err)
	}
	if r.e != nil {
		t.Fatalf("%v\n%s", r.e, r.err)
	}
	want, _ := decoded(t, nil, "-Y", `cti.msg_type == "OPEN_REQ"`, capture)
	got, _ := decoded(t, nil, out)
	if len(got) == 0 || len(got) != len(want) {
		t.Errorf("%d messages written from the FIFO, want %d", len(got), len(want))
	}
}

package testutil

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/dissect"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Mixed is a capture of two contact centers sharing one CTI server
// address: gen's UCCX scenario and its UCCE one, their packets merged in
// time order. Their clients have distinct addresses (UCCX desktops on
// 10.10.30.11 up and the wallboard on 10.10.40.21; UCCE desktops on
// 10.10.30.41 up and the CTI OS server on 10.10.40.31), so every TCP
// connection is one session of one dialect.
type Mixed struct {
	Path       string
	UCCX, UCCE gen.Result
}

// MixedCapture writes a Mixed capture of uccxCalls and ucceCalls calls
// (two agents each, UCCE at version 20) to a temporary file.
func MixedCapture(t testing.TB, uccxCalls, ucceCalls int) Mixed {
	t.Helper()
	x := gen.Config{Seed: 11, Agents: 2, Calls: uccxCalls, Version: 13, Duration: 3 * time.Minute}
	e := gen.Config{Seed: 12, Agents: 2, Calls: ucceCalls, Version: 20, Duration: 3 * time.Minute, Dialect: dissect.DialectUCCE}
	var bx, be bytes.Buffer
	var mx Mixed
	var err error
	if mx.UCCX, err = gen.Generate(&bx, x); err != nil {
		t.Fatal(err)
	}
	if mx.UCCE, err = gen.Generate(&be, e); err != nil {
		t.Fatal(err)
	}
	type pkt struct {
		ci   gopacket.CaptureInfo
		data []byte
	}
	var pkts []pkt
	for _, b := range [][]byte{bx.Bytes(), be.Bytes()} {
		r, err := pcapgo.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		for {
			data, ci, err := r.ReadPacketData()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			pkts = append(pkts, pkt{ci, data})
		}
	}
	sort.SliceStable(pkts, func(i, j int) bool { return pkts[i].ci.Timestamp.Before(pkts[j].ci.Timestamp) })
	var out bytes.Buffer
	w := pcapgo.NewWriter(&out)
	if err := w.WriteFileHeader(262144, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	for _, p := range pkts {
		if err := w.WritePacket(p.ci, p.data); err != nil {
			t.Fatal(err)
		}
	}
	mx.Path = filepath.Join(t.TempDir(), "mixed.pcap")
	if err := os.WriteFile(mx.Path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return mx
}

// UCCEClient reports whether a client address (ip or ip:port) is one of
// the UCCE side's in a Mixed capture.
func (m Mixed) UCCEClient(addr string) bool {
	for _, c := range m.UCCE.Connections {
		if c.Client.String() == addr || c.Client.Addr().String() == addr {
			return true
		}
	}
	return false
}

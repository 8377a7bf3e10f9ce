//go:build linux

package sniff

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/reassembly"
	"github.com/ctishark/ctishark/render"
)

// TestLoadLoopback finds the highest CTI message rate sniffed on
// loopback without loss: several server connections send CTI events, one
// message per write as a CTI server does, at increasing rates while the
// live capture decodes them and renders the default table view. A rate
// passes when every message is decoded and the kernel dropped nothing.
//
// It takes a while and needs root, so it runs only with
// CTISHARK_LOADTEST=1 (=capture measures the capture path alone, without
// decoding):
//
//	CTISHARK_LOADTEST=1 go test ./cmd/sniff -run Load -v
func TestLoadLoopback(t *testing.T) {
	if os.Getenv("CTISHARK_LOADTEST") == "" {
		t.Skip("load test: set CTISHARK_LOADTEST=1 to run it")
	}
	needCapture(t)
	open, events := loadMessages(t)
	captureOnly := os.Getenv("CTISHARK_LOADTEST") == "capture"
	if captureOnly {
		t.Log("capture only: packets are read and their TCP payload counted, not decoded")
	}
	best := 0
	for _, rate := range []int{5000, 10000, 20000, 40000, 50000, 60000, 70000, 80000, 90000, 100000, 120000, 150000, 200000, 250000, 300000} {
		res := loadStep(t, rate, 4, 2*time.Second, open, events, captureOnly)
		ok := res.decoded == res.sent && res.kernelDrops == 0 && res.truncated == 0
		if captureOnly {
			// >=: a retransmitted segment is counted twice.
			ok = res.payload >= res.sentBytes && res.kernelDrops == 0 && res.truncated == 0
		}
		got := fmt.Sprintf("decoded %7d", res.decoded)
		if captureOnly {
			got = fmt.Sprintf("payload bytes %d of %d", res.payload, res.sentBytes)
		}
		t.Logf("target %7d msg/s: sent %7d at %7.0f msg/s, %s, packets %7d, kernel drops %d, truncated %d -> %v",
			rate, res.sent, res.achieved, got, res.packets, res.kernelDrops, res.truncated, map[bool]string{true: "ok", false: "LOSS"}[ok])
		if !ok {
			break
		}
		if res.achieved < 0.9*float64(rate) {
			t.Logf("the sender could not reach %d msg/s; stopping here", rate)
			best = max(best, int(res.achieved))
			break
		}
		best = int(res.achieved)
	}
	t.Logf("highest rate sniffed without loss: %d CTI messages/s", best)
}

// loadMessages picks, from the sample, a connection's OPEN_REQ and
// OPEN_CONF (so sessions decode as in real life) and its server events.
func loadMessages(t *testing.T) (open [2][]byte, events [][]byte) {
	frames := recordedFrames(t, samplePcap)
	conn := frames[0].conn
	var own []sentFrame
	for _, f := range frames {
		if f.conn == conn {
			own = append(own, f)
		}
	}
	open = [2][]byte{own[0].data, own[1].data}
	for _, f := range own[2:] {
		if !f.toServer {
			events = append(events, f.data)
		}
	}
	if len(events) == 0 {
		t.Fatal("no server messages in the sample's first connection")
	}
	return open, events
}

type loadResult struct {
	sent, decoded      int64
	sentBytes, payload int64 // TCP payload bytes sent and captured
	packets            uint64
	kernelDrops        uint64
	truncated          uint64
	achieved           float64
}

func loadStep(t *testing.T, rate, conns int, dur time.Duration, open [2][]byte, events [][]byte, captureOnly bool) loadResult {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := uint16(ln.Addr().(*net.TCPAddr).Port)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	live, err := reassembly.OpenLive(ctx, reassembly.LiveOptions{Interface: "lo", Ports: []uint16{port}})
	if err != nil {
		t.Fatal(err)
	}
	var decoded atomic.Int64
	readDone := make(chan error, 1)
	var payload atomic.Int64
	go func() {
		if captureOnly {
			readDone <- countPayload(live, &payload)
			return
		}
		w, _ := render.New(render.FormatTable, io.Discard, render.Options{Live: true})
		p := pipeline.New(pipeline.Options{Ports: []uint16{port}, NoHeuristics: true, Recycle: true, Parallel: true, Async: true, MaxDelay: 5 * time.Millisecond,
			Render: render.RenderAhead(w)}) // as sniff runs it
		readDone <- p.Read(live, func(r *pipeline.Record) error {
			if r.Msg != nil {
				decoded.Add(1)
			} else if r.Event != nil && os.Getenv("CTISHARK_LOADTEST") == "debug" {
				t.Logf("event %s %d bytes: %s", r.Event.Kind, r.Event.Bytes, r.Event.Text)
			}
			return w.Write(r)
		})
	}()

	// Connections: the client opens its session, then the server sends
	// events at the target rate, paced against the clock.
	var sent, sentBytes atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for c := range conns {
		client, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		server, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		// The client reads to the server's FIN before closing: closing with
		// unread data would reset the connection and lose what was sent.
		go func() { io.Copy(io.Discard, client); client.Close() }()
		go io.Copy(io.Discard, server)
		client.Write(open[0])
		server.Write(open[1])
		sent.Add(2)
		sentBytes.Add(int64(len(open[0]) + len(open[1])))
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer server.Close()
			perConn := float64(rate) / float64(conns)
			n := 0
			for i := c; ; {
				el := time.Since(start)
				if el >= dur {
					break
				}
				due := int(el.Seconds() * perConn)
				for ; n < due; n++ {
					if _, err := server.Write(events[i%len(events)]); err != nil {
						return
					}
					sentBytes.Add(int64(len(events[i%len(events)])))
					i++
					sent.Add(1)
				}
				time.Sleep(200 * time.Microsecond)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	// Wait for the decoder to catch up (or to stop making progress).
	last, idle := int64(-1), 0
	progress := func() int64 { return decoded.Load() + payload.Load() }
	want := sent.Load()
	if captureOnly {
		want = sentBytes.Load()
	}
	for progress() < want && idle < 20 {
		time.Sleep(50 * time.Millisecond)
		if d := progress(); d == last {
			idle++
		} else {
			last, idle = d, 0
		}
	}
	cancel()
	if err := <-readDone; err != nil {
		t.Fatal(err)
	}
	live.Close()
	st := live.Stats()
	return loadResult{
		sent: sent.Load(), decoded: decoded.Load(), packets: st.Packets,
		sentBytes: sentBytes.Load(), payload: payload.Load(),
		kernelDrops: st.KernelDrops, truncated: st.Truncated,
		achieved: float64(sent.Load()-int64(2*conns)) / elapsed.Seconds(),
	}
}

// countPayload reads the capture without decoding, summing TCP payload
// bytes (IPv4 over Ethernet, as on loopback): the capture path alone.
func countPayload(live *reassembly.Live, payload *atomic.Int64) error {
	for {
		p, err := live.ReadPacket()
		if err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		d := p.Data
		if len(d) < 14+20 {
			continue
		}
		ihl := int(d[14]&0xf) * 4
		total := int(d[16])<<8 | int(d[17])
		if len(d) < 14+ihl+20 {
			continue
		}
		doff := int(d[14+ihl+12]>>4) * 4
		payload.Add(int64(total - ihl - doff))
	}
}

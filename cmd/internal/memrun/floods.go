//go:build unix

package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/reassembly/ctitest"
)

// The floods of decoded CTI messages: what the reports (stats, calls,
// agents, ladder) keep per connection, call or agent, and what the
// look-ahead keeps behind an unanswered request. Each streams its
// capture, one connection's segments at a time.

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// encode is a message of type name with its fixed fields set and its
// floating fields added in order (name/value pairs), in the 1+1 layout.
func encode(name string, fixed map[string]dissect.Value, floating ...any) []byte {
	def := dissect.LookupName(name)
	if def == nil {
		panic("memrun: no message " + name)
	}
	m := dissect.NewMessage(def)
	for k, v := range fixed {
		if err := m.SetFixed(k, v); err != nil {
			panic(fmt.Sprintf("memrun: %s.%s: %v", name, k, err))
		}
	}
	for i := 0; i+1 < len(floating); i += 2 {
		if err := m.Add(floating[i].(string), floating[i+1].(dissect.Value)); err != nil {
			panic(fmt.Sprintf("memrun: %s.%s: %v", name, floating[i], err))
		}
	}
	b, err := dissect.Encode(m, dissect.Layout11)
	if err != nil {
		panic(fmt.Sprintf("memrun: %s: %v", name, err))
	}
	return b
}

func u(v uint64) dissect.Value { return dissect.Uint(dissect.TypeUINT, v) }
func s(v string) dissect.Value { return dissect.Str(v) }

// pcapStream writes the segments each conversation adds, dropping them
// as it goes.
type pcapStream struct {
	pw *ctitest.PcapWriter
}

func (p *pcapStream) flush(c *ctitest.Conv) error {
	for i := range c.Segs {
		b := c.Segs[i].Bytes(ctitest.Ethernet)
		if err := p.pw.WritePacket(c.Segs[i].Time, b, len(b)); err != nil {
			return err
		}
	}
	c.Segs = c.Segs[:0]
	return nil
}

func streamPcap(write func(p *pcapStream) error) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		bw := bufio.NewWriterSize(pw, 1<<20)
		w, err := ctitest.NewPcapWriter(bw, 1)
		if err == nil {
			err = write(&pcapStream{w})
		}
		if err == nil {
			err = bw.Flush()
		}
		pw.CloseWithError(err)
	}()
	return pr
}

// shortConns is n connections of one HEARTBEAT_REQ each (handshake, the
// request, FIN both ways): what stats and ladder keep per session.
func shortConns(n int) io.ReadCloser {
	return streamPcap(func(p *pcapStream) error {
		hb := encode("HEARTBEAT_REQ", map[string]dissect.Value{"InvokeID": u(1)})
		for i := range n {
			c := ctitest.NewConv(fmt.Sprintf("10.%d.%d.%d:%d", 1+i>>16, i>>8&0xff, i&0xff, 20000+i%40000), "10.0.0.2:42027", 1000, 5000,
				t0.Add(time.Duration(i)*100*time.Microsecond))
			c.Step = time.Microsecond
			c.Handshake()
			c.Send(true, hb)
			c.Fin(true)
			c.Fin(false)
			if err := p.flush(c); err != nil {
				return err
			}
		}
		return nil
	})
}

// manyCalls is one bridge connection carrying n calls, one begun every
// 10 ms (answered, cleared 2 s later, a call variable each): what calls
// keeps per call.
func manyCalls(n int) io.ReadCloser {
	return streamPcap(func(p *pcapStream) error {
		c := ctitest.NewConv("10.0.0.1:50000", "10.0.0.2:42027", 1000, 5000, t0)
		c.Step = 0
		c.Handshake()
		const step, lasts = 10 * time.Millisecond, 2 * time.Second
		per := int(lasts / step)
		for i := 0; i < n+per; i++ {
			c.T = t0.Add(time.Duration(i) * step)
			if i < n {
				id := u(uint64(16777216 + i))
				c.Send(false, encode("BEGIN_CALL_EVENT", map[string]dissect.Value{"CallID": id},
					"ConnectionDeviceID", s("4001"), "ANI", s(fmt.Sprintf("61255%05d", i%100000)), "DNIS", s("4001"), "DialedNumber", s("4001"),
					"CallVariable2", s(fmt.Sprintf("case-%d", i))))
				c.Send(false, encode("CALL_ESTABLISHED_EVENT", map[string]dissect.Value{"CallID": id},
					"ConnectionDeviceID", s("4001"), "AnsweringDeviceID", s(fmt.Sprintf("%d", 1000+i%300))))
			}
			if j := i - per; j >= 0 {
				c.Send(false, encode("CALL_CLEARED_EVENT", map[string]dissect.Value{"CallID": u(uint64(16777216 + j))}, "ConnectionDeviceID", s("4001")))
			}
			if len(c.Segs) > 1024 {
				if err := p.flush(c); err != nil {
					return err
				}
			}
		}
		return p.flush(c)
	})
}

// manyAgents is one bridge connection reporting n agents, two state
// changes each (ready, then talking): what agents keeps per agent.
func manyAgents(n int) io.ReadCloser {
	return streamPcap(func(p *pcapStream) error {
		c := ctitest.NewConv("10.0.0.1:50000", "10.0.0.2:42027", 1000, 5000, t0)
		c.Step = 100 * time.Microsecond
		c.Handshake()
		for i := range n {
			for _, st := range []uint64{3, 4} {
				c.Send(false, encode("AGENT_STATE_EVENT", map[string]dissect.Value{"AgentState": u(st)},
					"AgentExtension", s(fmt.Sprintf("%d", 100000+i)), "AgentID", s(fmt.Sprintf("agent%07d", i))))
			}
			if len(c.Segs) > 1024 {
				if err := p.flush(c); err != nil {
					return err
				}
			}
		}
		return p.flush(c)
	})
}

// unanswered is a HEARTBEAT_REQ never answered, then n frames of 32 KiB
// whose floating part is ~16k empty records (each decodes into a tree of
// megabytes, which a look-ahead counting records would hold).
func unanswered(n int) io.ReadCloser {
	return streamPcap(func(p *pcapStream) error {
		c := ctitest.NewConv("10.0.0.1:50000", "10.0.0.5:42027", 100, 900, t0)
		c.Handshake()
		c.Send(true, encode("HEARTBEAT_REQ", map[string]dissect.Value{"InvokeID": u(7)}))
		def := dissect.LookupName("CALL_CLEARED_EVENT")
		fixed := make([]byte, def.FixedSize())
		body := append(fixed, make([]byte, 32700-len(fixed))...) // records of tag 0, length 0
		frame := binary.BigEndian.AppendUint32(nil, uint32(len(body)))
		frame = binary.BigEndian.AppendUint32(frame, def.ID)
		frame = append(frame, body...)
		for range n {
			c.SendSplit(false, frame, 1400)
			c.T = c.T.Add(time.Millisecond)
			if err := p.flush(c); err != nil {
				return err
			}
		}
		c.Fin(true)
		return p.flush(c)
	})
}

package dissect

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// conformanceDir holds the public test vectors beside the project.
const conformanceDir = "../../shared/conformance"

// pcapPayloads returns the TCP payloads of a classic Ethernet/IPv4 pcap in
// packet order, with a flag telling whether the packet went to the server
// port. It is enough for the one-message-per-segment vectors; the real
// reader lives in reassembly/.
func pcapPayloads(t *testing.T, path string) (payloads [][]byte, toServer []bool) {
	t.Helper()
	d, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("no conformance vectors: %v", err)
	}
	if binary.LittleEndian.Uint32(d) != 0xa1b2c3d4 || binary.LittleEndian.Uint32(d[20:]) != 1 {
		t.Fatalf("%s: not a little-endian Ethernet pcap", path)
	}
	for off := 24; off+16 <= len(d); {
		n := int(binary.LittleEndian.Uint32(d[off+8:]))
		pkt := d[off+16 : off+16+n]
		off += 16 + n
		if len(pkt) < 14+20 || binary.BigEndian.Uint16(pkt[12:]) != 0x0800 {
			continue
		}
		ip := pkt[14:]
		ihl := int(ip[0]&0xf) * 4
		total := int(binary.BigEndian.Uint16(ip[2:]))
		if ip[9] != 6 || total > len(ip) {
			continue
		}
		tcp := ip[ihl:total]
		doff := int(tcp[12]>>4) * 4
		if len(tcp) <= doff {
			continue
		}
		dport := binary.BigEndian.Uint16(tcp[2:])
		payloads = append(payloads, tcp[doff:])
		toServer = append(toServer, dport == 42027 || dport == 12028)
	}
	return payloads, toServer
}

// contractValue renders a value as the conformance contract wants it.
func contractValue(f *Field) any {
	v := f.Value
	switch v.Type {
	case TypeBOOL:
		return v.Num != 0
	case TypeSTRING:
		return v.Str
	case TypeUNSPEC, TypeUnknown:
		return hex.EncodeToString(v.Bytes)
	case TypeNAMEDVAR:
		return map[string]any{"name": v.Name, "value": v.Str}
	case TypeNAMEDARRAY:
		return map[string]any{"index": float64(v.Index), "name": v.Name, "value": v.Str}
	case TypeCHAR, TypeSHORT, TypeINT:
		return float64(v.Int64())
	}
	return float64(v.Num)
}

type expectFile struct {
	Capture  string `json:"capture"`
	Messages []struct {
		MsgType   string  `json:"msg_type"`
		MsgTypeID uint32  `json:"msg_type_id"`
		Fields    [][]any `json:"fields"`
		Dir       string  `json:"dir"`
	} `json:"messages"`
}

func TestConformanceVectors(t *testing.T) {
	for _, name := range []string{"every-message-v13", "every-message-v18"} {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(conformanceDir, name+".expect.json"))
			if err != nil {
				t.Skipf("no conformance vectors: %v", err)
			}
			var exp expectFile
			if err := json.Unmarshal(raw, &exp); err != nil {
				t.Fatal(err)
			}
			payloads, _ := pcapPayloads(t, filepath.Join(conformanceDir, exp.Capture))
			sess := NewSession(Options{})
			var msgs []*Message
			for _, p := range payloads {
				for len(p) >= HeaderLen {
					n := HeaderLen + int(binary.BigEndian.Uint32(p))
					if n > len(p) {
						t.Fatalf("frame split across segments; this helper cannot join it")
					}
					msgs = append(msgs, sess.Decode(p[:n]))
					p = p[n:]
				}
			}
			if len(msgs) != len(exp.Messages) {
				t.Fatalf("decoded %d messages, expected %d", len(msgs), len(exp.Messages))
			}
			for i, e := range exp.Messages {
				m := msgs[i]
				if m.Name() != e.MsgType || m.TypeID != e.MsgTypeID {
					t.Errorf("#%d: got %s(%d), want %s(%d)", i, m.Name(), m.TypeID, e.MsgType, e.MsgTypeID)
					continue
				}
				j := 0
				for _, ef := range e.Fields {
					for j < len(m.Fields) && !(m.Fields[j].Name == ef[0] && jsonEqual(contractValue(&m.Fields[j]), ef[1])) {
						j++
					}
					if j == len(m.Fields) {
						t.Errorf("#%d %s: field %v=%v not found in order; decoded %s", i, e.MsgType, ef[0], ef[1], dumpFields(m))
						break
					}
					j++
				}
				for _, x := range m.AllExpert() {
					if x.Severity == SeverityError {
						t.Errorf("#%d %s: unexpected error %s: %s", i, e.MsgType, x.Code, x.Message)
					}
				}
			}
		})
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func dumpFields(m *Message) string {
	s := ""
	for _, f := range m.Fields {
		s += f.Name + "=" + f.Value.Text() + " "
	}
	return s
}

package catalogfile

import (
	"encoding/binary"
	"fmt"
	"testing"
)

// Byte samples of UCCE messages from an independent implementation: the
// encode/decode vectors of nshimaza/uccertweb
// (test/ctidriver/MessageSamplesSpec.scala), a protocol 14/15-era client, so
// floating fields have a 1-byte tag and a 1-byte length. Each sample is the
// message type followed by the body, byte for byte as the vector has it; the
// helpers below only spell the same bytes more readably. (The vector
// writes its own protocol-version constant into OPEN_REQ; 14 stands in for it.)
//
// Not every vector is used: its CLOSE_REQ has no InvokeID and its
// CALL_FAILED_EVENT no MonitorID, where Cisco's protocol-24/25 tables and the
// Haskell driver have both; those two disagree with the catalog on purpose.

func u16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// cat joins byte slices.
func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// rec is a floating field with a 1-byte tag and length.
func rec(tag int, data []byte) []byte { return cat([]byte{byte(tag), byte(len(data))}, data) }

// str is a NUL-terminated string.
func str(s string) []byte { return append([]byte(s), 0) }

var (
	connDev     = rec(25, str("ConnectionDeviceID"))
	ucceSamples = []struct {
		name string
		wire []byte
	}{
		{"FAILURE_CONF", cat(u32(1), u32(0x01020304), u32(97))},
		{"FAILURE_EVENT", cat(u32(2), u32(17))},
		{"OPEN_REQ", cat(u32(3), u32(0x04030201), u32(14), u32(0xffffffff), u32(0x02030405), u32(0x10),
			u32(0x6000), u32(0x0208), u32(0), u32(0), u32(0), u32(0),
			rec(1, str("ClientID")), rec(2, nil), rec(3, str("ClientSignature")),
			rec(4, str("3001")), rec(5, str("1001")), rec(6, str("3001")), rec(97, u32(0x03040506)))},
		{"OPEN_CONF", cat(u32(4), u32(0x01020304), u32(0x10), u32(0x02030405), u32(0x13), u32(0x04050607),
			u16(1), u16(17), u16(3),
			rec(4, str("3001")), rec(5, str("1001")), rec(6, str("3001")), rec(228, u16(0x0506)), rec(224, u16(0)))},
		{"HEARTBEAT_REQ", cat(u32(5), u32(0x02030405))},
		{"HEARTBEAT_CONF", cat(u32(6), u32(0x03040607))},
		{"CLOSE_CONF", cat(u32(8), u32(0x03040506))},
		{"CALL_DELIVERED_EVENT", cat(u32(9), u32(0x01020304), u32(0x02030405), u16(17), u16(0), u32(0x06070809),
			u16(0x0304), u16(4), u32(0x04050607), u32(0x05060708), u32(0x04050607), u32(0x05060708), u16(0x0607),
			u16(76), u16(75), u16(74), u16(73), u16(0), u16(0xffff), u16(0x0405), u16(0x0506),
			connDev, rec(26, str("AlertingDeviceID")), rec(27, str("CallingDeviceID")), rec(28, str("CalledDeviceID")),
			rec(29, str("LastRedirectDeviceID")), rec(121, u32(0x01020304)), rec(122, u32(0x02030405)),
			rec(202, u32(0x03040506)), rec(8, str("09012345678")), rec(215, str("")),
			rec(9, []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}), rec(10, str("0398765432")), rec(11, str("0120123123")),
			rec(12, str("321")), rec(13, str("CV1")), rec(14, str("CV2")), rec(15, str("CV3")), rec(16, str("CV4")),
			rec(17, str("CV5")), rec(18, str("CV6")), rec(19, str("CV7")), rec(20, str("CV8")), rec(21, str("CV9")),
			rec(22, str("CV10")), rec(46, str("Wrapup")), rec(82, cat(str("ECCVar"), str("ECCVal"))),
			rec(83, cat([]byte{1}, str("ECCArr"), str("ECCArrVal"))))},
		{"CALL_ESTABLISHED_EVENT", cat(u32(10), u32(0x01020304), u32(0x02030405), u16(17), u16(1), u32(0x03040506),
			u16(0x0405), u16(4), u32(0x05060708), u32(0x06070809), u32(0x0708090a), u32(0x08090a0b), u16(0x090a),
			u16(76), u16(75), u16(74), u16(73), u16(3), u16(22),
			connDev, rec(30, str("AnsweringDeviceID")), rec(27, str("CallingDeviceID")), rec(28, str("CalledDeviceID")),
			rec(29, str("LastRedirectDeviceID")), rec(121, u32(0x01020304)), rec(122, u32(0x02030405)))},
		{"CALL_HELD_EVENT", cat(u32(11), u32(0x01020304), u32(0x02030405), u16(17), u16(1), u32(0x03040506),
			u16(75), u16(1), u16(22), connDev, rec(31, str("HoldingDeviceID")))},
		{"CALL_RETRIEVED_EVENT", cat(u32(12), u32(0x01020304), u32(0x02030405), u16(17), u16(1), u32(0x03040506),
			u16(75), u16(1), u16(22), connDev, rec(32, str("RetrievingDeviceID")))},
		{"CALL_CLEARED_EVENT", cat(u32(13), u32(0x01020304), u32(0x02030405), u16(17), u16(0), u32(0x06070809),
			u16(0), u16(5), connDev)},
		{"CALL_CONNECTION_CLEARED_EVENT", cat(u32(14), u32(0x01020304), u32(0x02030405), u16(17), u16(0), u32(0x06070809),
			u16(75), u16(0), u16(5), connDev, rec(33, str("ReleasingDeviceID")))},
		{"CALL_ORIGINATED_EVENT", cat(u32(15), u32(0x01020304), u32(0x02030405), u16(17), u16(1), u32(0x03040506),
			u16(0x0405), u16(4), u32(0x05060708), u32(0x06070809), u32(0x0708090a), u32(0x08090a0b), u16(0x090a),
			u16(75), u16(74), u16(3), u16(22), connDev, rec(27, str("CallingDeviceID")), rec(28, str("CalledDeviceID")))},
	}
)

// TestUCCESamplesFitCatalog lays each sample over the catalog at protocol 14:
// the fixed part must be exactly the fields that version sends, the floating
// part must parse to the last byte with tags the message lists, numeric fields
// must have their type's size, strings must fit their maximum, enum values
// must be in their table.
func TestUCCESamplesFitCatalog(t *testing.T) {
	const version = 14
	c := load(t, ucceFile)
	tables := map[string]map[uint32]bool{}
	for _, e := range c.Enums {
		vals := map[uint32]bool{}
		for _, v := range e.Values {
			vals[v.Value] = true
		}
		tables[e.Name] = vals
	}
	for _, s := range ucceSamples {
		t.Run(s.name, func(t *testing.T) {
			id := int(binary.BigEndian.Uint32(s.wire))
			var m *Message
			for i := range c.Messages {
				if c.Messages[i].ID == id && validAt(c.Messages[i], version) {
					m = &c.Messages[i]
				}
			}
			if m == nil || m.Name != s.name {
				t.Fatalf("type %d at version %d is %v, want %s", id, version, m, s.name)
			}
			body := s.wire[4:]
			off := 0
			for _, f := range m.Fixed {
				if f.Version > version {
					continue
				}
				if off+f.Size > len(body) {
					t.Fatalf("body of %d bytes ends inside fixed field %s at %d", len(body), f.Name, off)
				}
				if f.Enum != "" {
					v := uint32(0)
					for _, b := range body[off : off+f.Size] {
						v = v<<8 | uint32(b)
					}
					if !tables[f.Enum][v] {
						t.Errorf("%s = %d is not in enum %s", f.Name, v, f.Enum)
					}
				}
				off += f.Size
			}
			listed := map[int]Field{}
			for _, f := range m.Floating {
				listed[f.Tag] = f
			}
			for off < len(body) {
				if off+2 > len(body) {
					t.Fatalf("floating header cut at %d", off)
				}
				tag, n := int(body[off]), int(body[off+1])
				off += 2
				if off+n > len(body) {
					t.Fatalf("tag %d claims %d bytes, %d left", tag, n, len(body)-off)
				}
				f, ok := listed[tag]
				switch {
				case !ok:
					t.Errorf("tag %d is not a floating field of %s", tag, m.Name)
				case fixedSize[f.Type] != 0 && n != fixedSize[f.Type]:
					t.Errorf("tag %d (%s %s) has %d bytes", tag, f.Name, f.Type, n)
				case f.Max > 0 && n > f.Max:
					t.Errorf("tag %d (%s) has %d bytes, max %d", tag, f.Name, n, f.Max)
				}
				off += n
			}
			if off != len(body) {
				t.Errorf("%s", fmt.Sprintf("parsed %d of %d bytes", off, len(body)))
			}
		})
	}
}

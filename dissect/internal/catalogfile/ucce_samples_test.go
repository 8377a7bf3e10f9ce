package catalogfile

import (
	"encoding/binary"
	"fmt"
	"testing"
)

// Byte samples of UCCE messages from two independent implementations, each
// the message type followed by the body, byte for byte as the source has it;
// the helpers below only spell the same bytes more readably.
//
//   - version 14: the encode/decode vectors of nshimaza/uccertweb
//     (test/ctidriver/MessageSamplesSpec.scala), a protocol 14/15-era Scala
//     client: 1-byte floating tag and length. The vector writes its own
//     protocol-version constant into OPEN_REQ; 14 stands in for it. Its
//     CLOSE_REQ (no InvokeID) and CALL_FAILED_EVENT (no MonitorID) contradict
//     Cisco's protocol-24/25 tables and the Haskell driver, and are left out.
//   - version 20: the vectors of nshimaza/ucce-ctidriver
//     (test/Network/CceCti/MessageSampleSpec.hs), a protocol-20 Haskell
//     client: 2-byte floating tag and length, DepartmentID in OPEN_CONF and
//     AGENT_STATE_EVENT.

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

// rec is a floating field with a 1-byte tag and length (protocol 14).
func rec(tag int, data []byte) []byte { return cat([]byte{byte(tag), byte(len(data))}, data) }

// rec2 is a floating field with a 2-byte tag and length (protocol 20).
func rec2(tag int, data []byte) []byte { return cat(u16(uint16(tag)), u16(uint16(len(data))), data) }

// str is a NUL-terminated string.
func str(s string) []byte { return append([]byte(s), 0) }

var (
	connDev  = rec(25, str("ConnectionDeviceID"))
	connDev2 = rec2(25, str("ConnectionDeviceID"))
	// callData2 is the run of call-context fields the protocol-20 vectors share.
	callData2 = cat(rec2(8, str("09012345678")), rec2(9, []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}),
		rec2(10, str("0398765432")), rec2(11, str("0120123123")), rec2(12, str("321")),
		rec2(72, u32(0x06070809)), rec2(73, u32(0x0708090a)), rec2(110, u32(0x08090a0b)), callVars2)
	callVars2 = cat(rec2(13, str("CV1")), rec2(14, str("CV2")), rec2(15, str("CV3")), rec2(16, str("CV4")),
		rec2(17, str("CV5")), rec2(18, str("CV6")), rec2(19, str("CV7")), rec2(20, str("CV8")),
		rec2(21, str("CV9")), rec2(22, str("CV10")))
	eccVars2   = cat(rec2(82, cat(str("ECCVar"), str("ECCVal"))), rec2(83, cat([]byte{1}, str("ECCArr"), str("ECCArrVal"))))
	signature2 = cat(rec2(23, str("CtiClientSignature")), rec2(24, u32(0x090a0b0c)), rec2(223, []byte{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}))

	ucceSamples = []struct {
		name    string
		version int
		wire    []byte
	}{
		{"FAILURE_CONF", 14, cat(u32(1), u32(0x01020304), u32(97))},
		{"FAILURE_EVENT", 14, cat(u32(2), u32(17))},
		{"OPEN_REQ", 14, cat(u32(3), u32(0x04030201), u32(14), u32(0xffffffff), u32(0x02030405), u32(0x10),
			u32(0x6000), u32(0x0208), u32(0), u32(0), u32(0), u32(0),
			rec(1, str("ClientID")), rec(2, nil), rec(3, str("ClientSignature")),
			rec(4, str("3001")), rec(5, str("1001")), rec(6, str("3001")), rec(97, u32(0x03040506)))},
		{"OPEN_CONF", 14, cat(u32(4), u32(0x01020304), u32(0x10), u32(0x02030405), u32(0x13), u32(0x04050607),
			u16(1), u16(17), u16(3),
			rec(4, str("3001")), rec(5, str("1001")), rec(6, str("3001")), rec(228, u16(0x0506)), rec(224, u16(0)))},
		{"HEARTBEAT_REQ", 14, cat(u32(5), u32(0x02030405))},
		{"HEARTBEAT_CONF", 14, cat(u32(6), u32(0x03040607))},
		{"CLOSE_CONF", 14, cat(u32(8), u32(0x03040506))},
		{"CALL_DELIVERED_EVENT", 14, cat(u32(9), u32(0x01020304), u32(0x02030405), u16(17), u16(0), u32(0x06070809),
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
		{"CALL_ESTABLISHED_EVENT", 14, cat(u32(10), u32(0x01020304), u32(0x02030405), u16(17), u16(1), u32(0x03040506),
			u16(0x0405), u16(4), u32(0x05060708), u32(0x06070809), u32(0x0708090a), u32(0x08090a0b), u16(0x090a),
			u16(76), u16(75), u16(74), u16(73), u16(3), u16(22),
			connDev, rec(30, str("AnsweringDeviceID")), rec(27, str("CallingDeviceID")), rec(28, str("CalledDeviceID")),
			rec(29, str("LastRedirectDeviceID")), rec(121, u32(0x01020304)), rec(122, u32(0x02030405)))},
		{"CALL_HELD_EVENT", 14, cat(u32(11), u32(0x01020304), u32(0x02030405), u16(17), u16(1), u32(0x03040506),
			u16(75), u16(1), u16(22), connDev, rec(31, str("HoldingDeviceID")))},
		{"CALL_RETRIEVED_EVENT", 14, cat(u32(12), u32(0x01020304), u32(0x02030405), u16(17), u16(1), u32(0x03040506),
			u16(75), u16(1), u16(22), connDev, rec(32, str("RetrievingDeviceID")))},
		{"CALL_CLEARED_EVENT", 14, cat(u32(13), u32(0x01020304), u32(0x02030405), u16(17), u16(0), u32(0x06070809),
			u16(0), u16(5), connDev)},
		{"CALL_CONNECTION_CLEARED_EVENT", 14, cat(u32(14), u32(0x01020304), u32(0x02030405), u16(17), u16(0), u32(0x06070809),
			u16(75), u16(0), u16(5), connDev, rec(33, str("ReleasingDeviceID")))},
		{"CALL_ORIGINATED_EVENT", 14, cat(u32(15), u32(0x01020304), u32(0x02030405), u16(17), u16(1), u32(0x03040506),
			u16(0x0405), u16(4), u32(0x05060708), u32(0x06070809), u32(0x0708090a), u32(0x08090a0b), u16(0x090a),
			u16(75), u16(74), u16(3), u16(22), connDev, rec(27, str("CallingDeviceID")), rec(28, str("CalledDeviceID")))},

		{"FAILURE_CONF", 20, cat(u32(1), u32(0x01020304), u32(97))},
		{"OPEN_REQ", 20, cat(u32(3), u32(0x04030201), u32(20), u32(0xffffffff), u32(0x02030405), u32(0x10),
			u32(0x6000), u32(0x0208), u32(0), u32(0), u32(0), u32(0),
			rec2(1, str("ClientID")), rec2(2, nil), rec2(3, str("ClientSignature")),
			rec2(4, str("3001")), rec2(5, str("1001")), rec2(6, str("3001")), rec2(97, u32(0x03040506)))},
		{"OPEN_CONF", 20, cat(u32(4), u32(0x01020304), u32(0x10), u32(0x02030405), u32(0x13), u32(0x04050607),
			u16(1), u16(17), u16(3), u32(0x05060708),
			rec2(4, str("3001")), rec2(5, str("1001")), rec2(6, str("3001")), rec2(228, u16(0x0506)), rec2(224, u16(0)))},
		{"CLOSE_REQ", 20, cat(u32(7), u32(0x04050607), u32(98))},
		{"CALL_DIVERTED_EVENT", 20, cat(u32(19), u32(0x01020304), u32(0x02030405), u16(17), u16(0), u32(0x06070809),
			u32(0x04050607), u32(0x05060708), u16(77), u16(77), u16(0), u16(0xffff),
			connDev2, rec2(44, str("DivertingDeviceID")), rec2(28, str("CalledDeviceID")))},
		{"CALL_SERVICE_INITIATED_EVENT", 20, cat(u32(20), u32(0x01020304), u32(0x02030405), u16(17), u16(1), u32(0x03040506),
			u16(0x0405), u16(4), u32(0x05060708), u32(0x06070809), u32(0x0708090a), u32(0x08090a0b), u16(0x090a),
			u16(75), u16(3), u16(22), connDev2, rec2(27, str("CallingDeviceID")))},
		{"CALL_QUEUED_EVENT", 20, cat(u32(21), u32(0x01020304), u32(0x02030405), u16(17), u16(0), u32(0x06070809),
			u32(0x04050607), u32(0x05060708), u16(77), u16(75), u16(74), u16(73), u16(0x0607), u16(0x0708), u16(0), u16(0xffff),
			connDev2, rec2(45, str("QueueDeviceID")), rec2(27, str("CallingDeviceID")), rec2(28, str("CalledDeviceID")),
			rec2(29, str("LastRedirectDeviceID")), rec2(62, u32(0x08090a0b)), rec2(63, u32(0x090a0b0c)), rec2(64, u16(0x0a0b)))},
		{"CALL_TRANSLATION_ROUTE_EVENT", 20, cat(u32(22), u16(0x0405), u16(0x0506), callData2, eccVars2)},
		{"BEGIN_CALL_EVENT", 20, cat(u32(23), u32(0x01020304), u32(0x02030405), u16(17), u16(0x0304), u16(0x0405), u16(0x0506),
			u16(2), u16(0), u32(0x06070809), u16(13), connDev2, callData2, rec2(46, str("Wrapup")), eccVars2, signature2)},
		{"END_CALL_EVENT", 20, cat(u32(24), u32(0x01020304), u32(0x02030405), u16(17), u16(0), u32(0x06070809), connDev2)},
		{"CALL_DATA_UPDATE_EVENT", 20, cat(u32(25), u32(0x01020304), u32(0x02030405), u16(17), u16(0x0304), u16(0x0405), u16(0x0506),
			u16(2), u16(0), u32(0x06070809), u16(0), u32(0x02030405), u16(13), u32(0x04050607), u32(0x05060708),
			connDev2, rec2(47, str("NewConnectionDeviceID")), callData2, rec2(46, str("Wrapup")), eccVars2,
			rec2(95, str("08012345678")), rec2(96, str("123123123")), signature2)},
		{"SET_CALL_DATA_REQ", 20, cat(u32(26), u32(0x07080809), u32(0x09080706), u16(0), u32(0x08070605), u16(0x0706), u16(0x0605),
			u16(2), u16(13), u32(0x05040302), u32(0x04030201),
			connDev2, rec2(8, str("09012345678")), rec2(9, []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}), rec2(12, str("321")), callVars2,
			rec2(46, str("Wrapup")), eccVars2, rec2(95, str("CustPhoneNum")), rec2(96, str("CustAcctNum")),
			rec2(72, u32(0x01020304)), rec2(73, u32(0x02030405)), rec2(110, u32(0x03040506)), rec2(232, []byte{0x44}))},
		{"RELEASE_CALL_REQ", 20, cat(u32(28), u32(0x0809090a), u32(0x090a0a0b), u16(0), u32(0x0a0b0b0c), connDev2)},
		{"AGENT_STATE_EVENT", 20, cat(u32(30), u32(0x01020304), u32(0x02030405), u32(0x03040506), u16(17), u16(7), u32(0x04050607),
			u32(0x06070809), u32(0x0708090a), u16(0x0809), u16(10), u16(0x090a), u32(0x090a0b0c), u32(0x0a0b0c0d), u16(0),
			u32(0x09080706), u32(0x08070605), u32(1), u16(0x0706), u32(0x0b0c0d0e),
			rec2(3, str("ClientSignature")), rec2(5, str("1001")), rec2(4, str("3001")), rec2(6, str("3001")),
			rec2(150, u32(0x06050403)), rec2(123, u16(4)), rec2(244, u32(1)),
			rec2(62, u32(0x0708090a)), rec2(63, u32(0x08090a0b)), rec2(64, u16(0x090a)), rec2(65, u16(7)))},
		{"SYSTEM_EVENT", 20, cat(u32(31), u32(3), u32(0x01020304), u32(5), u32(0x02030405), u32(0x03040506), u32(0x04050607), u16(70),
			rec2(7, str("SystemEventText")), rec2(206, str("EventDeviceID")))},
		{"CLIENT_EVENT_REPORT_REQ", 20, cat(u32(32), u32(0x03040505), u16(1), rec2(66, str("ObjectName")), rec2(7, str("Text")))},
		{"CALL_REACHED_NETWORK_EVENT", 20, cat(u32(34), u32(0x01020304), u32(0x02030405), u16(17), u16(1), u32(0x03040506),
			u16(0x0405), u16(4), u16(70), u16(74), u16(3), u16(22),
			connDev2, rec2(48, str("TrunkUsedDeviceID")), rec2(28, str("CalledDeviceID")), rec2(121, u32(0x04050607)), rec2(122, u32(0x05060708)))},
		{"CONTROL_FAILURE_CONF", 20, cat(u32(35), u32(0x01020304), u16(78), u32(0x02030405))},
	}
)

// TestUCCESamplesFitCatalog lays each sample over the catalog at its protocol
// version: the fixed part must be exactly the fields that version sends, the
// floating part must parse to the last byte, with the tag and length widths
// the catalog's floating_layouts give for that version, using tags the
// message lists; numeric fields must have their type's size, strings must fit
// their maximum, enum values must be in their table.
func TestUCCESamplesFitCatalog(t *testing.T) {
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
		t.Run(fmt.Sprintf("%s/v%d", s.name, s.version), func(t *testing.T) {
			version := s.version
			var layout *FloatingLayout
			for i, l := range c.FloatingLayouts {
				if (l.MinVersion == 0 || version >= l.MinVersion) && (l.MaxVersion == 0 || version <= l.MaxVersion) {
					layout = &c.FloatingLayouts[i]
				}
			}
			if layout == nil {
				t.Fatalf("no floating layout for version %d", version)
			}
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
					if v := uint32(beUint(body[off : off+f.Size])); !tables[f.Enum][v] {
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
				hdr := layout.TagSize + layout.LengthSize
				if off+hdr > len(body) {
					t.Fatalf("floating header cut at %d", off)
				}
				tag := beUint(body[off : off+layout.TagSize])
				n := beUint(body[off+layout.TagSize : off+hdr])
				off += hdr
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

// beUint reads a big-endian unsigned number of up to 4 bytes.
func beUint(b []byte) int {
	v := 0
	for _, x := range b {
		v = v<<8 | int(x)
	}
	return v
}

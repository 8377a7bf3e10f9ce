package record

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/ctishark/ctishark/dissect"
)

// The metadata fields: what every record has beyond the message's own
// bytes (where it was captured, what pairing found). One table, read by
// the display filter (-Y), the fields view (-e), `ctishark fields` and the
// Go API, so a name means the same value everywhere.

// ValueKind says what a metadata value holds and how it compares.
type ValueKind uint8

// Value kinds.
const (
	KindInt      ValueKind = iota + 1 // Value.Int
	KindSeconds                       // Value.Dur, compared and printed as seconds
	KindTime                          // Value.Time, compared as seconds since the epoch
	KindString                        // Value.Str
	KindAddr                          // Value.Addr
	KindBool                          // Value.Int = 1 (present means true)
	KindDir                           // Value.Str, "client->server" or "server->client"
	KindMsgType                       // Value.Str (the name) and Value.Int (the type ID)
	KindSeverity                      // Value.Int, a dissect.Severity
)

// Value is one value of a metadata field. It is passed by value, so
// reading one allocates nothing.
type Value struct {
	Kind ValueKind
	Int  int64
	Dur  time.Duration
	Time time.Time
	Str  string
	Addr netip.AddrPort
}

// Text is the value as -e prints it: numbers in decimal, durations and
// times in seconds with tshark's precision, severities by name.
func (v Value) Text() string {
	switch v.Kind {
	case KindInt, KindBool:
		return strconv.FormatInt(v.Int, 10)
	case KindSeconds:
		return Seconds(v.Dur)
	case KindTime:
		return strconv.FormatInt(v.Time.Unix(), 10) + "." + pad(int64(v.Time.Nanosecond()), 9)
	case KindAddr:
		return v.Addr.String()
	case KindSeverity:
		return dissect.Severity(v.Int).String()
	}
	return v.Str
}

// Seconds renders d as seconds with microseconds, as tshark does.
func Seconds(d time.Duration) string { return string(AppendSeconds(nil, d)) }

// AppendSeconds appends Seconds(d) to b.
func AppendSeconds(b []byte, d time.Duration) []byte {
	if d < 0 {
		b = append(b, '-')
		d = -d
	}
	us := d.Microseconds()
	b = AppendInt(b, us/1e6)
	b = append(b, '.')
	frac := us % 1e6
	for div := int64(1e5); div > 0; div /= 10 {
		b = append(b, byte('0'+frac/div%10))
	}
	return b
}

// pad writes n in decimal with leading zeros to width digits.
func pad(n int64, width int) string {
	s := strconv.FormatInt(n, 10)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

// MetaField is one metadata field: its filter name, its type as
// `ctishark fields` shows it, a description, and the accessor (Each).
type MetaField struct {
	Name        string
	Kind        ValueKind
	Type        string // integer, seconds, string, address...
	Description string
	id          metaID
}

type metaID uint8

const (
	metaMsgType metaID = iota + 1
	metaMsgTypeID
	metaNum
	metaFrame
	metaFile
	metaStream
	metaDir
	metaSrc
	metaDst
	metaAddr
	metaSrcPort
	metaDstPort
	metaPort
	metaTimeRel
	metaTimeEpoch
	metaInfo
	metaExpert
	metaSeverity
	metaRespTime
	metaRespIn
	metaReqIn
	metaUnanswered
	metaEvent
)

var metaFields = []MetaField{
	{"cti.msg_type", KindMsgType, "string", "message type name (AGENT_STATE_EVENT); a number compares with the type ID", metaMsgType},
	{"cti.msg_type_id", KindInt, "UINT", "MessageTypeID of the header; message names are accepted as values", metaMsgTypeID},
	{"cti.num", KindInt, "integer", "CTI message number (1-based, across the captures read)", metaNum},
	{"cti.frame", KindInt, "integer", "capture packet number of the segment that completed the message (tshark's frame.number)", metaFrame},
	{"cti.file", KindString, "string", "capture file the message was read from (- for standard input)", metaFile},
	{"cti.stream", KindInt, "integer", "TCP connection index (0-based)", metaStream},
	{"cti.dir", KindDir, "string", `direction: "client->server" (alias c2s) or "server->client" (alias s2c)`, metaDir},
	{"cti.src", KindAddr, "address", "source ip:port; an address without port matches any port", metaSrc},
	{"cti.dst", KindAddr, "address", "destination ip:port; an address without port matches any port", metaDst},
	{"cti.addr", KindAddr, "address", "source or destination ip:port", metaAddr},
	{"cti.srcport", KindInt, "integer", "source TCP port", metaSrcPort},
	{"cti.dstport", KindInt, "integer", "destination TCP port", metaDstPort},
	{"cti.port", KindInt, "integer", "source or destination TCP port", metaPort},
	{"cti.time_relative", KindSeconds, "seconds", "capture time since the first packet, in seconds (also 1.5s, 200ms); 0 for a packet stamped before the first", metaTimeRel},
	{"cti.time_epoch", KindTime, "seconds", "capture time, seconds since 1970-01-01 UTC", metaTimeEpoch},
	{"cti.info", KindString, "string", "the one-line summary of the table's Info column (secrets masked)", metaInfo},
	{"cti.expert", KindString, "string", "expert codes of the message and its fields (cti.length.lying...); one value per item", metaExpert},
	{"cti.expert.severity", KindSeverity, "severity", "severities of the message's expert items (note < warning < error)", metaSeverity},
	{"cti.response_time", KindSeconds, "seconds", "request/confirm latency in seconds, on both messages of a pair", metaRespTime},
	{"cti.response_in", KindInt, "integer", "on a request: number of the message that answered it", metaRespIn},
	{"cti.request_in", KindInt, "integer", "on a confirm: number of the request it answers", metaReqIn},
	{"cti.unanswered", KindBool, "boolean", "present (true) on a request that got no answer within 10 s of capture time, before its connection closed or before the capture ended", metaUnanswered},
	{"cti.event", KindString, "string", "stream event instead of a message: gap, skipped, overflow, direction-changed", metaEvent},
}

var metaByName = func() map[string]*MetaField {
	m := make(map[string]*MetaField, len(metaFields))
	for i := range metaFields {
		m[metaFields[i].Name] = &metaFields[i]
	}
	return m
}()

// MetaFields lists the metadata fields, in a stable order.
func MetaFields() []MetaField { return metaFields }

// ReadsExpert reports whether the field's values come from the message's
// expert items (cti.expert, cti.expert.severity, and cti.info, which
// names the errors and warnings): the only fields that show the doctor's
// findings, so a view showing none of them need not evaluate its rules.
func (f *MetaField) ReadsExpert() bool {
	return f.id == metaExpert || f.id == metaSeverity || f.id == metaInfo
}

// ReadsVerdict reports whether the field's values on a request come from
// its verdict (Record.Response, Record.Unanswered), which only a pipeline
// that looks ahead gives: cti.response_time, cti.response_in,
// cti.unanswered. (cti.request_in and a confirm's response time come from
// the confirm's own Record.Request.)
func (f *MetaField) ReadsVerdict() bool {
	return f.id == metaRespTime || f.id == metaRespIn || f.id == metaUnanswered
}

// LookupMeta returns the metadata field called name, or nil.
func LookupMeta(name string) *MetaField { return metaByName[name] }

// Each calls yield with every value the field has in r, in order, until
// yield returns false; it reports whether there was any value. Secrets in
// cti.info are shown only when showSecrets. It allocates nothing except
// for cti.info.
func (f *MetaField) Each(r *Record, showSecrets bool, yield func(Value) bool) (found bool) {
	fr := &r.Frame
	one := func(v Value) bool { yield(v); return true }
	switch f.id {
	case metaMsgType:
		if r.Msg == nil {
			return false
		}
		name := r.Msg.Name()
		if r.Msg.Def != nil {
			name = r.Msg.Def.Name
		}
		return one(Value{Kind: KindMsgType, Str: name, Int: int64(r.Msg.TypeID)})
	case metaMsgTypeID:
		if r.Msg == nil || len(r.Msg.Header) < 2 {
			return false
		}
		return one(Value{Kind: KindInt, Int: int64(r.Msg.TypeID)})
	case metaNum:
		if r.Msg == nil || r.Num <= 0 {
			return false
		}
		return one(Value{Kind: KindInt, Int: int64(r.Num)})
	case metaFrame:
		if fr.Pkt <= 0 {
			return false
		}
		return one(Value{Kind: KindInt, Int: int64(fr.Pkt)})
	case metaFile:
		if fr.File == "" {
			return false
		}
		return one(Value{Kind: KindString, Str: fr.File})
	case metaStream:
		return one(Value{Kind: KindInt, Int: int64(fr.Stream)})
	case metaDir:
		if fr.Dir == 0 {
			return false
		}
		return one(Value{Kind: KindDir, Str: fr.Dir.String()})
	case metaSrc, metaDst, metaAddr, metaSrcPort, metaDstPort, metaPort:
		port := f.id == metaSrcPort || f.id == metaDstPort || f.id == metaPort
		for i, a := range [2]netip.AddrPort{fr.Src, fr.Dst} {
			if !a.IsValid() || i == 0 && (f.id == metaDst || f.id == metaDstPort) || i == 1 && (f.id == metaSrc || f.id == metaSrcPort) {
				continue
			}
			found = true
			v := Value{Kind: KindAddr, Addr: a}
			if port {
				v = Value{Kind: KindInt, Int: int64(a.Port())}
			}
			if !yield(v) {
				return true
			}
		}
		return found
	case metaTimeRel:
		if fr.Time.IsZero() {
			return false
		}
		return one(Value{Kind: KindSeconds, Dur: fr.Relative()})
	case metaTimeEpoch:
		if fr.Time.IsZero() {
			return false
		}
		return one(Value{Kind: KindTime, Time: fr.Time})
	case metaInfo:
		if r.Msg == nil && r.Event == nil {
			return false
		}
		return one(Value{Kind: KindString, Str: r.Info(showSecrets)})
	case metaExpert, metaSeverity:
		if r.Msg == nil {
			return false
		}
		return eachExpert(r.Msg, func(e *dissect.Expert) bool {
			if f.id == metaSeverity {
				return yield(Value{Kind: KindSeverity, Int: int64(e.Severity)})
			}
			return yield(Value{Kind: KindString, Str: e.Code})
		})
	case metaRespTime:
		switch {
		case r.Response != nil:
			return one(Value{Kind: KindSeconds, Dur: r.Response.Latency})
		case r.Request != nil:
			return one(Value{Kind: KindSeconds, Dur: r.Request.Latency})
		}
		return false
	case metaRespIn:
		if r.Response == nil {
			return false
		}
		return one(Value{Kind: KindInt, Int: int64(r.Response.Num)})
	case metaReqIn:
		if r.Request == nil {
			return false
		}
		return one(Value{Kind: KindInt, Int: int64(r.Request.Num)})
	case metaUnanswered:
		if !r.Unanswered {
			return false
		}
		return one(Value{Kind: KindBool, Int: 1})
	case metaEvent:
		if r.Event == nil {
			return false
		}
		return one(Value{Kind: KindString, Str: r.Event.Kind.String()})
	}
	return false
}

// AppendText appends the text of every value of the field in r (-e).
func (f *MetaField) AppendText(dst []string, r *Record, showSecrets bool) []string {
	f.Each(r, showSecrets, func(v Value) bool {
		dst = append(dst, v.Text())
		return true
	})
	return dst
}

// eachExpert walks the expert items of a message in AllExpert's order
// (the message's, then the header's and the body's fields, depth first)
// without building the list; yield returns false to stop.
func eachExpert(m *dissect.Message, yield func(*dissect.Expert) bool) (found bool) {
	stopped := false
	var walk func(es []dissect.Expert, fs []dissect.Field)
	walk = func(es []dissect.Expert, fs []dissect.Field) {
		for i := 0; i < len(es) && !stopped; i++ {
			found = true
			stopped = !yield(&es[i])
		}
		for i := 0; i < len(fs) && !stopped; i++ {
			walk(fs[i].Expert, fs[i].Children)
		}
	}
	walk(m.Expert, nil)
	walk(nil, m.Header)
	walk(nil, m.Fields)
	return found
}

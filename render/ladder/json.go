package ladder

import (
	"bufio"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"time"
)

// JSON documents are streamed:
//
//	{"title": "...",
//	 "arrows": [ {arrow}, ... ],
//	 "endpoints": [ {endpoint}, ... ]}
//
// Endpoints come last because a streamed ladder learns them as it goes.
// Every key is always present (null or zero when it does not apply), so
// scripts can rely on the shape.

// JSONArrow is an arrow as JSON.
type JSONArrow struct {
	Num        int      `json:"num"`        // message number; 0 for stream events
	Time       string   `json:"time"`       // capture time, RFC 3339 with nanoseconds, UTC
	Rel        float64  `json:"rel"`        // seconds since the first packet (µs precision)
	Stream     int      `json:"stream"`     // TCP stream
	From       string   `json:"from"`       // sender endpoint name
	To         string   `json:"to"`         // receiver endpoint name
	MsgType    string   `json:"msg_type"`   // message name, or GAP, SKIPPED... for stream events
	Kind       string   `json:"kind"`       // request, confirm, event, or the stream event kind
	Label      string   `json:"label"`      // one-line summary
	Request    int      `json:"request"`    // confirms: the request's number (0 = not seen)
	Response   int      `json:"response"`   // requests: the confirm's number (0 = none)
	Latency    *float64 `json:"latency"`    // seconds between request and confirm, µs precision; null = no pair
	Failure    bool     `json:"failure"`    // FAILURE_CONF, CONTROL_FAILURE_CONF, FAILURE_EVENT
	Status     string   `json:"status"`     // failures: status / failure code names
	Unanswered bool     `json:"unanswered"` // a request that no confirm answered
	Expert     []string `json:"expert"`     // expert warnings and errors ("error: ...")
}

// JSONEndpoint is an endpoint as JSON.
type JSONEndpoint struct {
	Name     string `json:"name"`
	Role     string `json:"role"`   // server or client
	Addr     string `json:"addr"`   // ip:port
	Stream   int    `json:"stream"` // client sessions: TCP stream; -1 for servers
	Label    string `json:"label"`
	ClientID string `json:"client_id"`
	AgentID  string `json:"agent_id"`
	Mode     string `json:"mode"`
	// UCCE sessions only, as read's session.dialect.
	Dialect    string `json:"dialect,omitempty"`
	DialectWhy string `json:"dialect_why,omitempty"`
}

// ToJSON converts an arrow, naming its endpoints from eps.
func ToJSON(a *Arrow, eps []*Endpoint) JSONArrow {
	j := JSONArrow{Num: a.Num, Time: a.Time.UTC().Format(time.RFC3339Nano), Rel: micros(a.Rel), Stream: a.Stream,
		From: name(eps, a.From), To: name(eps, a.To), MsgType: a.MsgType, Kind: a.Kind, Label: a.Label,
		Request: a.Request, Response: a.Response, Failure: a.Failure, Status: a.Status, Unanswered: a.Unanswered,
		Expert: a.Expert}
	if a.HasLatency {
		l := micros(a.Latency)
		j.Latency = &l
	}
	if j.Expert == nil {
		j.Expert = []string{}
	}
	return j
}

// EndpointJSON converts an endpoint.
func EndpointJSON(e *Endpoint) JSONEndpoint {
	j := JSONEndpoint{Name: e.Name, Role: string(e.Role), Addr: e.Addr.String(), Stream: e.Stream,
		Label: e.Label(), ClientID: e.ClientID, AgentID: e.AgentID, Mode: e.Mode}
	if e.UCCE {
		j.Dialect, j.DialectWhy = "ucce", e.DialectWhy
	}
	return j
}

func name(eps []*Endpoint, i int) string {
	if i >= 0 && i < len(eps) {
		return eps[i].Name
	}
	return ""
}

// micros is d in seconds, truncated to the microsecond.
func micros(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1e6
}

// JSONWriter streams a ladder as one JSON document.
type JSONWriter struct {
	w     *bufio.Writer
	title string
	n     int
	err   error
	buf   []byte // one arrow's JSON, reused
}

// writeBuf is the writers' buffer: larger than the 32 KiB they flush
// at, so a flush writes their batch in one call (bufio's default 4 KiB
// wrote a ladder of 40 MB in 9,600 calls).
const writeBuf = 64 << 10

// NewJSON returns a streaming JSON ladder writer.
func NewJSON(w io.Writer, title string) *JSONWriter {
	return &JSONWriter{w: bufio.NewWriterSize(w, writeBuf), title: title}
}

func (j *JSONWriter) write(b []byte) {
	if j.err == nil {
		_, j.err = j.w.Write(b)
	}
}

// start opens the document, up to the arrows' opening bracket.
func (j *JSONWriter) start() {
	t, _ := json.Marshal(j.title)
	j.write([]byte(`{"title":` + string(t) + ",\n\"arrows\":["))
}

// Arrow writes one arrow. Endpoints are named by their column (Builder
// places them before the arrow is handed out), so the names are final.
func (j *JSONWriter) Arrow(a *Arrow, eps []*Endpoint) error {
	return j.arrow(a, name(eps, a.From), name(eps, a.To))
}

// ArrowByColumn writes one arrow of a compact builder, naming its ends by
// their columns (as Builder names a placed endpoint).
func (j *JSONWriter) ArrowByColumn(a *Arrow) error {
	return j.arrow(a, colName(a.From), colName(a.To))
}

func colName(i int) string {
	if i < 0 {
		return ""
	}
	return columnName(i)
}

func (j *JSONWriter) arrow(a *Arrow, from, to string) error {
	if j.n == 0 {
		j.start()
		j.write([]byte("\n"))
	} else {
		j.write([]byte(",\n"))
	}
	j.n++
	j.buf = appendArrowNamed(j.buf[:0], a, from, to)
	j.write(j.buf)
	if j.err == nil && j.w.Buffered() > 32<<10 {
		j.err = j.w.Flush()
	}
	return j.err
}

// Close ends the document with the endpoints.
func (j *JSONWriter) Close(eps []*Endpoint) error {
	return j.CloseEach(func(f func(*Endpoint) error) error {
		for _, e := range eps {
			if err := f(e); err != nil {
				return err
			}
		}
		return nil
	})
}

// CloseEach ends the document with the endpoints each hands over, in
// order (Builder.EachEndpoint).
func (j *JSONWriter) CloseEach(each func(func(*Endpoint) error) error) error {
	if j.n == 0 {
		j.start()
	}
	j.write([]byte("\n],\n\"endpoints\":[\n"))
	i := 0
	err := each(func(e *Endpoint) error {
		if i > 0 {
			j.write([]byte(",\n"))
		}
		i++
		b, err := json.Marshal(EndpointJSON(e))
		if err != nil {
			return err
		}
		j.write(b)
		return nil
	})
	if err != nil {
		return err
	}
	j.write([]byte("\n]}\n"))
	if j.err == nil {
		j.err = j.w.Flush()
	}
	return j.err
}

// appendArrow appends json.Marshal(ToJSON(a, eps)) without reflection or
// a value per arrow (json.Marshal was 16% of ladder -T json's CPU). The
// bytes are encoding/json's: same keys in the same order, strings and
// floats it would escape or write in exponent form go through it.
func appendArrow(b []byte, a *Arrow, eps []*Endpoint) []byte {
	return appendArrowNamed(b, a, name(eps, a.From), name(eps, a.To))
}

// appendArrowNamed is appendArrow with the ends' names given.
func appendArrowNamed(b []byte, a *Arrow, from, to string) []byte {
	b = append(b, `{"num":`...)
	b = strconv.AppendInt(b, int64(a.Num), 10)
	b = append(b, `,"time":"`...)
	b = a.Time.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","rel":`...)
	b = appendJSONFloat(b, micros(a.Rel))
	b = append(b, `,"stream":`...)
	b = strconv.AppendInt(b, int64(a.Stream), 10)
	b = append(b, `,"from":`...)
	b = appendJSONString(b, from)
	b = append(b, `,"to":`...)
	b = appendJSONString(b, to)
	b = append(b, `,"msg_type":`...)
	b = appendJSONString(b, a.MsgType)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, a.Kind)
	b = append(b, `,"label":`...)
	b = appendJSONString(b, a.Label)
	b = append(b, `,"request":`...)
	b = strconv.AppendInt(b, int64(a.Request), 10)
	b = append(b, `,"response":`...)
	b = strconv.AppendInt(b, int64(a.Response), 10)
	b = append(b, `,"latency":`...)
	if a.HasLatency {
		b = appendJSONFloat(b, micros(a.Latency))
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"failure":`...)
	b = strconv.AppendBool(b, a.Failure)
	b = append(b, `,"status":`...)
	b = appendJSONString(b, a.Status)
	b = append(b, `,"unanswered":`...)
	b = strconv.AppendBool(b, a.Unanswered)
	b = append(b, `,"expert":[`...)
	for i, e := range a.Expert {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, e)
	}
	return append(b, "]}"...)
}

// appendJSONString appends s as encoding/json writes it. Printable ASCII
// other than the characters it escapes (quote, backslash and, for HTML,
// <, > and &) is written as is; anything else goes through json.Marshal.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendJSONFloat appends f as encoding/json writes it: shortest 'f' form
// in the range where it uses one, json.Marshal otherwise.
func appendJSONFloat(b []byte, f float64) []byte {
	if abs := math.Abs(f); abs == 0 || abs >= 1e-6 && abs < 1e21 {
		return strconv.AppendFloat(b, f, 'f', -1, 64)
	}
	q, _ := json.Marshal(f) // finite: micros never makes NaN or Inf
	return append(b, q...)
}

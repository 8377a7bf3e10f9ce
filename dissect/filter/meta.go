package filter

import (
	"github.com/ctishark/ctishark/dissect"
)

// metaID names a field that comes from the Target rather than from the
// message's bytes.
type metaID uint8

const (
	metaNone metaID = iota
	metaMsgType
	metaMsgTypeID
	metaNum
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
	metaExpert
	metaSeverity
	metaRespTime
	metaRespIn
	metaReqIn
	metaUnanswered
	metaEvent
)

var severityValues = []EnumValue{{"note", uint64(dissect.SeverityNote)}, {"warning", uint64(dissect.SeverityWarning)}, {"error", uint64(dissect.SeverityError)}}

// metaFields are the capture and analysis fields every message has.
var metaFields = []struct {
	name string
	id   metaID
	kind kind
	typ  string
	desc string
	enum []EnumValue
}{
	{"cti.msg_type", metaMsgType, kMsgType, "string", "message type name (AGENT_STATE_EVENT); a number compares with the type ID", nil},
	{"cti.msg_type_id", metaMsgTypeID, kInt, "UINT", "MessageTypeID of the header; message names are accepted as values", nil},
	{"cti.num", metaNum, kInt, "integer", "CTI message number (1-based, across the captures read)", nil},
	{"cti.stream", metaStream, kInt, "integer", "TCP connection index (0-based)", nil},
	{"cti.dir", metaDir, kDir, "string", `direction: "client->server" (alias c2s) or "server->client" (alias s2c)`, nil},
	{"cti.src", metaSrc, kAddr, "address", "source ip:port; an address without port matches any port", nil},
	{"cti.dst", metaDst, kAddr, "address", "destination ip:port; an address without port matches any port", nil},
	{"cti.addr", metaAddr, kAddr, "address", "source or destination ip:port", nil},
	{"cti.srcport", metaSrcPort, kInt, "integer", "source TCP port", nil},
	{"cti.dstport", metaDstPort, kInt, "integer", "destination TCP port", nil},
	{"cti.port", metaPort, kInt, "integer", "source or destination TCP port", nil},
	{"cti.time_relative", metaTimeRel, kFloat, "seconds", "capture time since the first packet, in seconds (also 1.5s, 200ms)", nil},
	{"cti.time_epoch", metaTimeEpoch, kFloat, "seconds", "capture time, seconds since 1970-01-01 UTC", nil},
	{"cti.expert", metaExpert, kString, "string", "expert codes of the message and its fields (cti.length.lying...); one value per item", nil},
	{"cti.expert.severity", metaSeverity, kSeverity, "severity", "severities of the message's expert items (note < warning < error)", severityValues},
	{"cti.response_time", metaRespTime, kFloat, "seconds", "request/confirm latency in seconds, on both messages of a pair", nil},
	{"cti.response_in", metaRespIn, kInt, "integer", "on a request: number of the message that answered it", nil},
	{"cti.request_in", metaReqIn, kInt, "integer", "on a confirm: number of the request it answers", nil},
	{"cti.unanswered", metaUnanswered, kBool, "boolean", "present (true) on a request that was never answered", nil},
	{"cti.event", metaEvent, kString, "string", "stream event instead of a message: gap, skipped, overflow, direction-changed", nil},
}

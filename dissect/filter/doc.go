// Package filter implements Wireshark-style display filters over decoded
// CTI messages and their capture metadata:
//
//	cti.AgentState == AGENT_STATE_READY && cti.dir == s2c
//	cti.msg_type in {CALL_DELIVERED_EVENT CALL_ESTABLISHED_EVENT} || cti.response_time > 250ms
//	cti.ServicesRequested & CTI_SERVICE_SUPERVISOR
//	cti.NamedVariable.name == "user.lang" && !(cti.expert.severity >= warning)
//
// # Fields
//
// Message fields go by their filter name (dissect.Field.Filter:
// cti.AgentID, cti.CallID, cti.reserved...); parts of fields by a suffix
// (cti.NamedVariable.name/.value, cti.NamedArray.index/.name/.value, the
// halves of a version-14 device ID cti.CallingDeviceID.primary/.actual);
// the header by cti.length and cti.msg_type_id. Metadata: cti.msg_type (the
// name; a number compares with the type ID), cti.num, cti.stream, cti.dir
// (client->server or c2s, server->client or s2c), cti.src, cti.dst, cti.addr
// (either; ip or ip:port), cti.srcport, cti.dstport, cti.port,
// cti.time_relative and cti.time_epoch (seconds), cti.expert (expert codes),
// cti.expert.severity (note < warning < error), cti.response_time
// (seconds, on both messages of a request/confirm pair), cti.response_in,
// cti.request_in, cti.unanswered (present only when true) and cti.event
// (gap, skipped, overflow, direction-changed; stream events have nothing
// else but capture metadata). Fields lists them all.
//
// # Operators
//
// A bare field tests presence. Comparisons: == != < <= > >= (also eq ne lt
// le gt ge), ~= (any_ne), === (all_eq), contains, matches (Go regexp syntax,
// compiled once), & (bit test, true when non-zero), in {a b 1..5} and not
// in {...}. Logic, tightest first: ! (not), && (and), ^^ (xor), || (or);
// parentheses group.
//
// Values: decimal, 0x hex, 0o/0b numbers, floats; durations (250ms, 1.5s)
// for times; "strings" with \" \\ \n \t \r \0 \xHH \uHHHH escapes; bare
// words for text fields (cti.AgentID == 1001); enum names and mask bit names
// of the field (quoted when they contain spaces), resolved against the
// field's own table so one name may mean different numbers in different
// messages (cti.Status == CONFIG_UNKNOWN_DATA); true/false for BOOL; hex
// bytes (0a:1b:2c or 0a1b2c) or a quoted string for byte fields.
//
// # Repeated fields
//
// As in Wireshark, a field that occurs several times (floating CSQID,
// NamedVariable...) passes == < <= > >= contains matches & and in when any
// occurrence does; != and "not in" pass when the field is present and every
// occurrence differs (the negation of ==/in on a present field); ~= passes
// when some occurrence differs and === when every occurrence equals. A
// comparison on an absent field is false.
//
// Not supported: comparing two fields, slices (x[0:2]) and functions
// (len, upper...).
//
// Compile checks field names, operators against field types and value
// names, and reports a *SyntaxError with the byte offset of the culprit.
// Match allocates nothing and parses nothing: filters compile to closures.
package filter

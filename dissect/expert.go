package dissect

// Severity ranks an expert item, as Wireshark does.
type Severity uint8

const (
	SeverityNote Severity = iota + 1
	SeverityWarning
	SeverityError
)

func (s Severity) String() string {
	switch s {
	case SeverityNote:
		return "note"
	case SeverityWarning:
		return "warning"
	case SeverityError:
		return "error"
	}
	return "none"
}

// Expert is a finding about the bytes: something malformed, suspicious, or
// worth knowing. Code is stable and meant for filters and scripts.
type Expert struct {
	Severity Severity
	Code     string
	Message  string
	Field    string // filter name of the field concerned ("" for the message)
}

// Expert codes. They are part of the JSON contract: never rename one.
const (
	ExpMalformedHeader   = "cti.malformed.header"          // fewer than 8 header bytes
	ExpMalformedLength   = "cti.malformed.length"          // BodyLength disagrees with the bytes present
	ExpFixedTruncated    = "cti.malformed.fixed_truncated" // body ends inside the fixed part
	ExpFloatingTruncated = "cti.malformed.floating"        // floating record header or data cut short
	ExpTrailing          = "cti.malformed.trailing"        // bytes after the last field
	ExpUnknownMessage    = "cti.unknown_message"           // message type not in the catalog
	ExpUnknownTag        = "cti.unknown_tag"               // FieldDataID not in the catalog
	ExpNotAllowed        = "cti.field.not_allowed"         // known tag, but not defined for this message
	ExpTooLong           = "cti.field.too_long"            // data longer than the field's maximum
	ExpFieldSize         = "cti.field.size"                // numeric floating field with a wrong length
	ExpFieldVersion      = "cti.field.version"             // field newer than the session's protocol version
	ExpNoNUL             = "cti.string.no_nul"             // string without its terminating NUL
	ExpAfterNUL          = "cti.string.after_nul"          // bytes after a string's NUL
	ExpBadUTF8           = "cti.string.utf8"               // string is not valid UTF-8
	ExpNamedVar          = "cti.namedvar.malformed"        // NamedVariable/NamedArray without its parts
	ExpRequiredMissing   = "cti.required_missing"          // required floating field absent
	ExpRepeatCount       = "cti.repeat.count_mismatch"     // repeats differ from their count field
	ExpEnumValue         = "cti.enum.unknown_value"        // value not in the field's enum
	ExpMaskBits          = "cti.mask.unknown_bits"         // bits not in the field's mask
	ExpBoolValue         = "cti.bool.value"                // BOOL other than 0 or 1
	ExpLayoutDetected    = "cti.layout.detected"           // floating header layout inferred from the bytes
	ExpLayoutMismatch    = "cti.layout.mismatch"           // session layout does not fit, another one does
	ExpOpenReqLayout     = "cti.doubt.open_req_reserved"   // which OPEN_REQ fixed layout matched
	ExpVersionAbsent     = "cti.version.field_absent"      // trailing version-marked fixed fields absent
	ExpLargeMessage      = "cti.large_message"             // body above the guide's 12,500-byte cap
	ExpTimeBackwards     = "cti.time.backwards"            // an answer stamped before its request (pairing)
	ExpOpaque            = "cti.opaque_message"            // known message type whose layout the catalog lacks
	ExpDialectDetected   = "cti.dialect.detected"          // dialect (UCCX or UCCE) inferred from the traffic
)

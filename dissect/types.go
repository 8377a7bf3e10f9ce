package dissect

// Type is a wire data type of the protocol.
type Type uint8

// The protocol's data types, named as in the guide.
const (
	TypeUnknown Type = iota
	TypeUCHAR
	TypeCHAR
	TypeUSHORT
	TypeSHORT
	TypeUINT
	TypeINT
	TypeBOOL
	TypeTIME
	TypeSTRING
	TypeUNSPEC
	TypeNAMEDVAR
	TypeNAMEDARRAY
)

var typeNames = [...]string{"UNKNOWN", "UCHAR", "CHAR", "USHORT", "SHORT", "UINT", "INT", "BOOL", "TIME", "STRING", "UNSPEC", "NAMEDVAR", "NAMEDARRAY"}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "UNKNOWN"
}

// IsInteger reports whether values of t are numbers on the wire.
func (t Type) IsInteger() bool {
	switch t {
	case TypeUCHAR, TypeCHAR, TypeUSHORT, TypeSHORT, TypeUINT, TypeINT, TypeTIME:
		return true
	}
	return false
}

// Signed reports whether t is a signed integer type.
func (t Type) Signed() bool { return t == TypeCHAR || t == TypeSHORT || t == TypeINT }

// Class groups messages as the guide does.
type Class uint8

const (
	ClassOther Class = iota
	ClassSession
	ClassFailure
	ClassConfig
	ClassAgent
	ClassCallEvent
	ClassCallControl
)

var classNames = [...]string{"other", "session", "failure", "config", "agent", "call-event", "call-control"}

func (c Class) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return "other"
}

// Classes lists every class, for per-class reports and benchmarks.
var Classes = []Class{ClassSession, ClassFailure, ClassConfig, ClassAgent, ClassCallEvent, ClassCallControl}

// Kind says whether a message asks, answers or reports.
type Kind uint8

const (
	KindEvent Kind = iota
	KindRequest
	KindConfirm
)

func (k Kind) String() string {
	switch k {
	case KindRequest:
		return "request"
	case KindConfirm:
		return "confirm"
	}
	return "event"
}

// Sender says which side sends a message.
type Sender uint8

const (
	SenderServer Sender = iota
	SenderClient
	SenderBoth
)

func (s Sender) String() string {
	switch s {
	case SenderClient:
		return "client"
	case SenderBoth:
		return "both"
	}
	return "server"
}

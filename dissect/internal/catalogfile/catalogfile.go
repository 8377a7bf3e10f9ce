// Package catalogfile defines the JSON form of the protocol catalogs: the
// UCCX catalog dissect/catalog.json, shared by the tool that writes it
// (importspec) and the one that compiles it (gencatalog), and the UCCE
// catalog dissect/catalog-ucce.json, which is hand-maintained and carries its
// sources and doubts in the file itself. Every field added for UCCE is
// optional, so the UCCX file reads, and is written, exactly as before.
package catalogfile

// Field is one fixed or floating field of a message.
type Field struct {
	Name       string `json:"name"`
	Type       string `json:"type"`
	Size       int    `json:"size,omitempty"`
	Tag        int    `json:"tag,omitempty"`
	Max        int    `json:"max,omitempty"`
	Required   bool   `json:"required,omitempty"`
	Repeats    bool   `json:"repeats,omitempty"`
	CountField string `json:"count_field,omitempty"`
	Enum       string `json:"enum,omitempty"`
	Mask       string `json:"mask,omitempty"`
	Version    int    `json:"version,omitempty"`
	Secret     bool   `json:"secret,omitempty"`
	// MaxVersion is the last protocol version that has the field (0: still there).
	MaxVersion int `json:"max_version,omitempty"`
	// Src names the source of this field when it is not the message's own.
	Src string `json:"src,omitempty"`
}

// Message is one message type; ID 0 means the guide lost its type ID.
type Message struct {
	ID       int     `json:"id"`
	Name     string  `json:"name"`
	Class    string  `json:"class"`
	Sender   string  `json:"sender"`
	Kind     string  `json:"kind"`
	Confirms string  `json:"confirms,omitempty"`
	Fixed    []Field `json:"fixed"`
	Floating []Field `json:"floating"`
	Doubts   int     `json:"doubts,omitempty"`
	// MinVersion and MaxVersion bound the protocol versions in which ID
	// means this message (0: unbounded). UCCE reuses some IDs across versions.
	MinVersion int `json:"min_version,omitempty"`
	MaxVersion int `json:"max_version,omitempty"`
	// Opaque says the fixed part is unknown: show the body as raw bytes.
	Opaque bool `json:"opaque,omitempty"`
	// Source keys (into Catalog.Sources) of the message's ID and name, of its
	// fixed layout, and of its version bounds.
	Source        string `json:"source,omitempty"`
	FixedSource   string `json:"fixed_source,omitempty"`
	VersionSource string `json:"version_source,omitempty"`
}

// Named is an enum value or a mask bit.
type Named struct {
	Value uint32 `json:"value"`
	Name  string `json:"name"`
}

// Table is an enum or a mask.
type Table struct {
	Name   string  `json:"name"`
	Values []Named `json:"values"`
	Source string  `json:"source,omitempty"`
}

// Tag is an entry of the global FieldDataID table.
type Tag struct {
	Tag     int    `json:"tag"`
	Name    string `json:"name"`
	Type    string `json:"type,omitempty"`
	Max     int    `json:"max,omitempty"`
	Enum    string `json:"enum,omitempty"`
	Mask    string `json:"mask,omitempty"`
	Version int    `json:"version,omitempty"`
	// MaxVersion is the last protocol version that has the tag (0: still there).
	MaxVersion int    `json:"max_version,omitempty"`
	Source     string `json:"source,omitempty"`
	TypeSource string `json:"type_source,omitempty"`
	// VersionSource names the source of Version when it is not Source.
	VersionSource string `json:"version_source,omitempty"`
}

// FloatingLayout gives the width of a floating field's tag and length for a
// range of protocol versions (0 bounds: open).
type FloatingLayout struct {
	MinVersion int    `json:"min_version,omitempty"`
	MaxVersion int    `json:"max_version,omitempty"`
	TagSize    int    `json:"tag_size"`
	LengthSize int    `json:"length_size"`
	Source     string `json:"source"`
}

// Doubt is an open question about the facts. About is "*" (the protocol), a
// message name, "tag:N", or "enum:Name"/"mask:Name".
type Doubt struct {
	About  string `json:"about"`
	Text   string `json:"text"`
	Source string `json:"source"`
}

// Catalog is the whole file.
type Catalog struct {
	Comment  string    `json:"_comment"`
	Messages []Message `json:"messages"`
	Enums    []Table   `json:"enums"`
	Masks    []Table   `json:"masks"`
	Tags     []Tag     `json:"tags"`

	// Dialect is "ucce" for the UCCE catalog; empty means UCCX.
	Dialect         string            `json:"dialect,omitempty"`
	Protocol        string            `json:"protocol,omitempty"`
	MinVersion      int               `json:"min_version,omitempty"`
	MaxVersion      int               `json:"max_version,omitempty"`
	FloatingLayouts []FloatingLayout  `json:"floating_layouts,omitempty"`
	Sources         map[string]string `json:"sources,omitempty"`
	Doubts          []Doubt           `json:"doubts,omitempty"`
}

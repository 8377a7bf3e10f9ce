// Package catalogfile defines the JSON form of dissect/catalog.json, shared by
// the tool that writes it (importspec) and the one that compiles it
// (gencatalog).
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
}

// Tag is an entry of the global FieldDataID table.
type Tag struct {
	Tag  int    `json:"tag"`
	Name string `json:"name"`
	Type string `json:"type,omitempty"`
	Max  int    `json:"max,omitempty"`
}

// Catalog is the whole file.
type Catalog struct {
	Comment  string    `json:"_comment"`
	Messages []Message `json:"messages"`
	Enums    []Table   `json:"enums"`
	Masks    []Table   `json:"masks"`
	Tags     []Tag     `json:"tags"`
}

// Package dissecttest loads the independent test vectors in
// dissect/testdata/independent: CTI frames taken from open-source CTI
// drivers and clients (their own byte samples, or bytes their encoders
// produce), each with the values those sources assert. It does not import
// dissect, so the dissector's own tests and the command tests can share it.
package dissecttest

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Vector is one TCP connection's frames, in the order they were sent.
type Vector struct {
	File    string  `json:"-"`
	Name    string  `json:"name"`
	Version int     `json:"version"`  // protocol version the source speaks
	Layout  string  `json:"layout"`   // floating header layout the source writes: "1+1" or "2+2"
	OpenReq bool    `json:"open_req"` // the stream starts with OPEN_REQ (else: capture started mid-session)
	Dialect string  `json:"dialect"`
	Source  Source  `json:"source"`
	Frames  []Frame `json:"frames"`
}

// Source says where the bytes and the expected values come from.
type Source struct {
	Repo   string   `json:"repo"`
	Path   string   `json:"path"`
	Commit string   `json:"commit"`
	Also   []string `json:"also"`
	Inputs string   `json:"inputs"` // for reproduced encoders: whose values went in
}

// Frame is one CTI frame and what decoding it must yield.
type Frame struct {
	Dir     string   `json:"dir"`    // c2s or s2c
	Sample  string   `json:"sample"` // the source's name for the sample
	Hex     []string `json:"hex"`    // header, fixed part, then each floating record
	Message string   `json:"message"`
	// RawBody is set for message types the catalog lacks: the body must be
	// kept, as raw data.
	RawBody  *string `json:"raw_body"`
	Fixed    []Field `json:"fixed"`
	Floating []Field `json:"floating"` // every floating record, in wire order
	// ExpectedRaw lists UCCE fields the UCCX catalog cannot name; they are
	// documented for a future UCCE dialect, not asserted.
	ExpectedRaw []Field  `json:"expected_raw"`
	Notes       []string `json:"notes"`
}

// Field is an expected field: a fixed one by its frame offset (At), a
// floating one by its position among the floating records.
type Field struct {
	Name   string  `json:"name"`   // ctishark's name ("" = not asserted)
	Source string  `json:"source"` // the source's name, for people
	At     int     `json:"at"`
	Tag    int     `json:"tag"`
	U      string  `json:"u"`   // integer value, 0x-prefixed
	S      *string `json:"s"`   // string value without its NUL
	Hex    *string `json:"hex"` // the value's bytes
	Note   string  `json:"note"`
}

// Uint is the expected integer value, if the field states one.
func (f Field) Uint() (uint64, bool) {
	if f.U == "" {
		return 0, false
	}
	v, err := strconv.ParseUint(f.U, 0, 64)
	return v, err == nil
}

// Bytes is the whole frame.
func (f Frame) Bytes() ([]byte, error) {
	return hex.DecodeString(strings.Join(f.Hex, ""))
}

// FloatingTags lists the FieldDataIDs of the expected floating records.
func (f Frame) FloatingTags() []int {
	var tags []int
	for _, e := range f.Floating {
		tags = append(tags, e.Tag)
	}
	return tags
}

// FromClient reports whether the client sent the frame.
func (f Frame) FromClient() bool { return f.Dir == "c2s" }

// Load reads every vector file in dir, sorted by name.
func Load(dir string) ([]Vector, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []Vector
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		var v Vector
		if err := json.Unmarshal(b, &v); err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		v.File = filepath.Base(n)
		for i, f := range v.Frames {
			if _, err := f.Bytes(); err != nil {
				return nil, fmt.Errorf("%s frame %d: %w", n, i, err)
			}
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no vectors in %s", dir)
	}
	return out, nil
}

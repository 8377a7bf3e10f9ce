// Package crosscheck holds the tests that hold ctishark's commands against
// each other: read, stats, check, calls, ladder, agents and the Go API must
// give the same answer about the same capture (issue 12). It has no code
// of its own; its tests build their captures in Go.
package crosscheck

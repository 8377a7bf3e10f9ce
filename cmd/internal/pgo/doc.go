// Package pgo holds ctishark.pgo, the CPU profile `make build` compiles
// the binary with (go build -pgo): the compiler inlines and lays out the
// functions hot in it, those of decoding, reassembly, pairing and
// rendering, as the profile found them. `make pgo` remakes it from every
// view over a generated capture and the bundled samples; a profile older
// than the code still applies to the functions it names, so it needs
// remaking only when the hot path moves. The package has no code.
package pgo

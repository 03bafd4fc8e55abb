// Package input opens what a user names as an input, for both pipelines
// (`embargo scan` and `embargo flows`) alike: standard input for "-", a
// file otherwise; gzip-compressed inputs decompressed within a bound; the
// first bytes kept for recognising the format; the size and the file
// itself when it is a regular file read as it is (so that a reader may map
// it or read it in parts). Choose then picks the reader that recognises
// it, or the one the user forced, by one Sniff signature.
package input

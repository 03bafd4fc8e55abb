package ipdata

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// limitedReader fails, rather than stops, past its limit, so an input
// that is too large is an error and not a silently truncated table.
type limitedReader struct {
	r    io.Reader
	name string
	left int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, fmt.Errorf("ipdata: build: input %q is larger than %d bytes", l.name, MaxFileSize)
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// sniff tells an input's format from its first line: '|' separates RIR
// statistics, tabs ip2asn, commas the ip-location-db CSVs (three fields
// for country, four for ASN); binary content is taken for an MMDB.
func sniff(br *bufio.Reader, name string) (string, error) {
	head, err := br.Peek(4096)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return "", fmt.Errorf("ipdata: build: reading %q: %w", name, err)
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return FormatMMDB, nil
	}
	for line := range strings.Lines(string(head)) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || line[0] == '#' {
			continue
		}
		switch {
		case strings.Contains(line, "|"):
			return FormatRIR, nil
		case strings.Contains(line, "\t"):
			return FormatIP2ASN, nil
		case strings.Contains(line, ","):
			f, err := splitCSV(line)
			if err == nil && len(f) == 3 {
				return FormatIPLDBCountry, nil
			}
			if err == nil && len(f) >= 4 {
				return FormatIPLDBASN, nil
			}
		}
		break
	}
	return "", fmt.Errorf("ipdata: build: input %q: cannot tell its format from the first line; set Input.Format", name)
}

// readText parses a line-based input; malformed lines are noted and
// skipped, up to MaxBadLines.
func (b *builder) readText(idx int, name, format string, br *bufio.Reader) (Source, error) {
	src := Source{Name: name}
	var rir rirState
	bad, rows := 0, 0
	var firstBad string
	for line := 1; ; line++ {
		text, err := br.ReadSlice('\n')
		tooLong := errors.Is(err, bufio.ErrBufferFull) || len(text) > MaxLineLen
		for errors.Is(err, bufio.ErrBufferFull) { // skip the rest of an overlong line
			_, err = br.ReadSlice('\n')
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return src, fmt.Errorf("ipdata: build: %s:%d: %w", name, line, err)
		}
		if len(text) == 0 && err != nil {
			break
		}
		var r row
		var v6, ok bool
		var perr error
		if tooLong {
			perr = fmt.Errorf("line longer than %d bytes", MaxLineLen)
		} else {
			s := strings.TrimRight(string(text), "\r\n")
			switch format {
			case FormatRIR:
				r, v6, ok, perr = rir.parse(s)
			case FormatIP2ASN:
				r, v6, ok, perr = parseIP2ASN(s)
			case FormatIPLDBCountry:
				r, v6, ok, perr = parseIPLDB(s, line, false)
			case FormatIPLDBASN:
				r, v6, ok, perr = parseIPLDB(s, line, true)
			}
		}
		if perr != nil {
			bad++
			if firstBad == "" {
				firstBad = fmt.Sprintf("%s:%d: %v", name, line, perr)
			}
			b.note("%s:%d: skipped: %v", name, line, perr)
			if bad > MaxBadLines {
				return src, fmt.Errorf("ipdata: build: %s:%d: more than %d malformed lines; last: %v", name, line, MaxBadLines, perr)
			}
		} else if ok {
			if rows++; rows > MaxRows {
				return src, fmt.Errorf("ipdata: build: %s:%d: more than %d records", name, line, MaxRows)
			}
			r.input, r.line = idx, line
			b.add(r, v6)
		}
		if err != nil {
			break
		}
	}
	if rows == 0 {
		// Not this format, or empty: a snapshot without its data would
		// silently attribute nothing.
		if firstBad != "" {
			return src, fmt.Errorf("ipdata: build: %s: no %s records (%d malformed lines; the first: %s)", name, format, bad, firstBad)
		}
		return src, fmt.Errorf("ipdata: build: %s: no %s records", name, format)
	}
	if rir.registry != "" {
		src.Version = rir.registry + " " + rir.serial
	}
	return src, nil
}

package checkpoint

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// record is one line of a checkpoint file.
type record struct {
	Checkpoint string `json:"checkpoint"` // the signed note
}

// Append writes a signed checkpoint to the file at path as one JSON line,
// opened for appending only and synced before it returns.
func Append(path string, signed []byte) error {
	line, err := json.Marshal(record{string(signed)})
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// MaxLine bounds one line of a checkpoint file.
const MaxLine = 64 << 10

// Read reads the signed checkpoints of a checkpoint file, in order.
func Read(r io.Reader, name string) ([][]byte, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), MaxLine)
	var out [][]byte
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var rec record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil || rec.Checkpoint == "" {
			return nil, fmt.Errorf("%s:%d: not a checkpoint line", name, line)
		}
		out = append(out, []byte(rec.Checkpoint))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

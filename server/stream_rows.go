package server

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
)

// streamRows writes an export as it is read from the store, page after
// page: CSV (the columns, then row of each) or a JSON array, as an
// attachment named name. next returns the page after last, empty at the
// end. A page that fails after the status is sent cuts the file short,
// which a reader sees as incomplete, and the log says why.
func streamRows[T any](w http.ResponseWriter, name, format string, columns []string, row func(T) []string, page []T, next func(last []T) ([]T, error)) error {
	w.Header().Set("Cache-Control", "no-store")
	bw := bufio.NewWriter(w)
	var cw *csv.Writer
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		cw = csv.NewWriter(bw)
		cw.Write(columns)
	} else {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.json"`)
		bw.WriteString("[")
	}
	first := true
	var err error
	for len(page) > 0 {
		for _, x := range page {
			if cw != nil {
				cw.Write(row(x))
				continue
			}
			b, err := json.Marshal(x)
			if err != nil {
				return streamError(err)
			}
			if !first {
				bw.WriteString(",")
			}
			first = false
			bw.Write(b)
		}
		if page, err = next(page); err != nil {
			if cw != nil {
				cw.Flush()
			}
			bw.Flush()
			return streamError(err)
		}
	}
	if cw != nil {
		cw.Flush()
		if err := cw.Error(); err != nil {
			return streamError(err)
		}
	} else {
		bw.WriteString("]\n")
	}
	return bw.Flush()
}

// listCapped writes a list of at most limit rows (maxListLimit when 0)
// as JSON, asking list for one more to tell whether there are others;
// when there are, the TruncatedHeader names the export that has them
// all.
func listCapped[T any](w http.ResponseWriter, limit int, export string, list func(limit int) ([]T, error)) error {
	if limit == 0 {
		limit = maxListLimit
	}
	rows, err := list(limit + 1)
	if err != nil {
		return err
	}
	if len(rows) > limit {
		rows = rows[:limit]
		w.Header().Set(TruncatedHeader, fmt.Sprintf("the first %d rows; GET %s has them all", limit, export))
	}
	return writeJSON(w, http.StatusOK, nonNil(rows))
}

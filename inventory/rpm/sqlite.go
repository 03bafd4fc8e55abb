package rpm

import (
	"context"
	"database/sql"
	"fmt"

	// The pure-Go SQLite driver that go-rpmdb's sqlite3 package opens by
	// the name "sqlite". Only one driver may take that name in a binary.
	_ "modernc.org/sqlite"
)

// walkSQLite reads the package headers of an SQLite rpmdb with the query
// go-rpmdb runs. go-rpmdb stops quietly at a row it cannot read and keeps
// going after a failed query; here either is an error, found before
// go-rpmdb runs. Rows have no file offset: errors name the row.
func walkSQLite(ctx context.Context, path string, emit emitFunc) error {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return fmt.Errorf("opening SQLite: %w", err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SELECT blob FROM Packages")
	if err != nil {
		return fmt.Errorf("SQLite query of the Packages table: %w", err)
	}
	defer rows.Close()
	row := int64(0)
	for rows.Next() {
		row++
		var v any
		if err := rows.Scan(&v); err != nil {
			return fmt.Errorf("table Packages, row %d: %w", row, err)
		}
		var blob []byte
		switch b := v.(type) {
		case []byte:
			blob = b
		case string:
			blob = []byte(b)
		default:
			return fmt.Errorf("table Packages, row %d: blob is %T, not a package header", row, v)
		}
		if err := emit(-1, blob); err != nil {
			return fmt.Errorf("table Packages, row %d: %w", row, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: after table Packages, row %d: %w", row, err)
	}
	return nil
}

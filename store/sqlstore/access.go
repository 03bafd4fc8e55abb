package sqlstore

import (
	"fmt"
	"math"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// scope is the condition that limits a read to what v may see: for an
// officer "AND col = ?" with their department, for admins and auditors
// nothing. A viewer of no known role sees nothing, so that a zero Viewer
// fails closed.
func scope(v store.Viewer, col string) (string, []any) {
	switch v.Role {
	case store.Admin, store.Auditor:
		return "", nil
	case store.Officer:
		if v.Department == "" {
			return " AND 1 = 0", nil
		}
		return " AND " + col + " = ?", []any{v.Department}
	default:
		return " AND 1 = 0", nil
	}
}

// mayChange refuses auditors and unknown roles any change.
func mayChange(v store.Viewer, what string) error {
	if v.Role != store.Admin && v.Role != store.Officer {
		return fmt.Errorf("%s: %w: role %q changes nothing", what, store.ErrForbidden, v.Role)
	}
	return nil
}

// adminOnly refuses any change but an admin's.
func adminOnly(v store.Viewer, what string) error {
	if v.Role != store.Admin {
		return fmt.Errorf("%s: %w: admins only", what, store.ErrForbidden)
	}
	return nil
}

// mayAct refuses an officer a change of another department's rows, as
// not found, like a read would.
func mayAct(v store.Viewer, department, what string) error {
	if err := mayChange(v, what); err != nil {
		return err
	}
	if v.Role == store.Officer && v.Department != department {
		return fmt.Errorf("%s: department %q: %w", what, department, store.ErrNotFound)
	}
	return nil
}

// actor is the audit log's name for v.
func actor(v store.Viewer) string {
	if v.Username == "" {
		return fmt.Sprintf("user#%d", v.UserID)
	}
	return v.Username
}

// ts is a time as stored: nanoseconds since 1970 UTC, 0 for none.
func ts(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// tm is the time ts stored.
func tm(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// noDeadline is how a finding without a deadline is stored: after
// every real one, so that ordering by deadline puts it last and no
// comparison with a time makes it overdue or due.
const noDeadline = math.MaxInt64

// deadlineTS is a deadline as stored.
func deadlineTS(t time.Time) int64 {
	if t.IsZero() {
		return noDeadline
	}
	return t.UnixNano()
}

// deadlineTM is the deadline deadlineTS stored.
func deadlineTM(n int64) time.Time {
	if n == noDeadline {
		return time.Time{}
	}
	return tm(n)
}

// day is the UTC day (days since 1970) t falls on.
func day(t time.Time) int64 {
	return t.Unix() / 86400
}

package postgres

import (
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// ts is a time as stored: truncated to the millisecond like the SQLite
// store's, or NULL for the zero time.
func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Truncate(time.Millisecond)
}

// tsValue is ts for arrays passed to unnest.
func tsValue(t time.Time) pgtype.Timestamptz {
	if t.IsZero() {
		return pgtype.Timestamptz{}
	}
	return pgtype.Timestamptz{Time: t.UTC().Truncate(time.Millisecond), Valid: true}
}

// ms truncates a time that is never zero.
func ms(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

func fromTS(v pgtype.Timestamptz) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return v.Time.UTC()
}

func durationMS(d time.Duration) int64 { return d.Milliseconds() }

func fromDurationMS(n int64) time.Duration { return time.Duration(n) * time.Millisecond }

// jsonText encodes a list column for arrays passed to unnest, where ""
// stands for NULL (the SQL turns it back with NULLIF).
func jsonText[T any](v []T) (string, error) {
	if len(v) == 0 {
		return "", nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

func parseList[T any](b []byte) ([]T, error) {
	if len(b) == 0 {
		return nil, nil
	}
	var v []T
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	if len(v) == 0 {
		return nil, nil
	}
	return v, nil
}

// nonEmpty turns an empty non-nil id list into "matches nothing" for the
// callers that take nil as "all".
func matchesNothing(ids []int64) bool { return ids != nil && len(ids) == 0 }

package catalog

import (
	"fmt"
	"testing"
)

// TestMemo: answers are the function's, whatever the memo holds, and a
// full memo starts again, so that names seen lately are remembered.
func TestMemo(t *testing.T) {
	calls := 0
	upper := func(s string) string { calls++; return s + "!" }
	m := newMemo[string]()
	for i := range memoEvery + 1 {
		if got := m.get("a", upper); got != "a!" {
			t.Fatalf("get = %q", got)
		}
		if i == memoEvery-1 && calls != memoEvery {
			t.Fatalf("%d calls before it was remembered", calls)
		}
	}
	if calls != memoEvery {
		t.Fatalf("not remembered after %d calls", calls)
	}
	for i := range memoSize * memoEvery {
		m.get(fmt.Sprint(i), upper)
	}
	calls = 0
	for range memoEvery * 2 {
		m.get("late", upper)
	}
	if calls > memoEvery || len(m.m) > memoSize {
		t.Errorf("after filling: %d calls, %d entries", calls, len(m.m))
	}
	long := string(make([]byte, memoMaxLen+1))
	for range memoEvery {
		m.get(long, upper)
	}
	if _, ok := m.m[long]; ok {
		t.Error("a name longer than memoMaxLen was kept")
	}
	if OrgKey("Hangzhou Hikvision Digital Technology Co., Ltd.") != OrgKey("HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO.,LTD") {
		t.Error("OrgKey differs by case and punctuation")
	}
}

package inventory

import "testing"

func TestSetID(t *testing.T) {
	mk := func(path string) Item {
		it := Item{Type: Extension, Name: "Kaspersky Protection", Version: "1.0", Location: Location{Source: "r.log", Host: "ws1", Ref: "chrome_extensions"}}
		it.Add(ExtensionID, "abc")
		it.Add(Path, path)
		it.SetID()
		return it
	}
	a, b, a2 := mk("/home/a/.config/google-chrome/Default/Extensions/abc"), mk("/home/b/.config/google-chrome/Default/Extensions/abc"), mk("/home/a/.config/google-chrome/Default/Extensions/abc")
	if a.ID == b.ID {
		t.Errorf("two profiles' copies share the id %s", a.ID)
	}
	if a.ID != a2.ID {
		t.Errorf("the same item got ids %s and %s", a.ID, a2.ID)
	}
	if len(a.ID) != len("I-")+12 {
		t.Errorf("id %q", a.ID)
	}
}

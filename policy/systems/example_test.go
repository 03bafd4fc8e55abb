package systems_test

import (
	"fmt"

	"github.com/embargo-dev/embargo/policy/systems"
)

func Example() {
	r, err := systems.Load("systems.yaml", []byte(`
classifications: [UNCLASSIFIED, CONFIDENTIAL, SECRET, TOP SECRET]
default: {classification: UNCLASSIFIED, tags: [federal-information-system]}
systems:
  - id: c2
    classification: SECRET
    tags: [national-security]
    match: {hosts: ["c2-*.example"], addresses: [198.51.100.0/24]}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, host := range []string{"C2-07.example", "198.51.100.9", "mail.example"} {
		m := r.ForHost(host, nil)
		fmt.Println(host, m.System.ID, m.System.Classification, m.By, m.Unregistered,
			r.Scale.AtLeast(m.System.Classification, "SECRET"))
	}
	// Output:
	// C2-07.example c2 SECRET glob false true
	// 198.51.100.9 c2 SECRET address false true
	// mail.example  UNCLASSIFIED default true false
}

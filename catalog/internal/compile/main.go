// Command compile writes the compiled form of the embedded catalogue,
// catalog/compiled.gob (go generate ./catalog runs it in that folder).
package main

import (
	"fmt"
	"os"

	"github.com/embargo-dev/embargo/catalog"
)

func main() {
	data, err := catalog.Compile(catalog.EmbeddedFS())
	if err != nil {
		fmt.Fprintln(os.Stderr, "compile:", err)
		os.Exit(1)
	}
	if err := os.WriteFile("compiled.gob", data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "compile:", err)
		os.Exit(1)
	}
}

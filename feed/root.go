package feed

import (
	_ "embed"
)

// projectRoot is version 1 of the project's own root metadata: what a
// client trusts before its first update when it is given no other
// (`--trust-root`). Its keys are held offline by the maintainers (two of
// two sign the root and the targets; README, "The data feed"); a newer
// root reached by rotation is trusted after the first update.
//
//go:embed root.json
var projectRoot []byte

// ProjectRoot returns the project's root metadata embedded in the binary.
func ProjectRoot() []byte { return append([]byte(nil), projectRoot...) }

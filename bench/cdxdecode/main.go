// Command cdxdecode is the memory floor of bench/memory.sh: it decodes a
// CycloneDX JSON file with cyclonedx-go alone and keeps the BOM alive until
// it exits, so that its peak RSS is what holding the decoded SBOM costs.
//
//	go build -o /tmp/cdxdecode ./bench/cdxdecode && /usr/bin/time -v /tmp/cdxdecode FILE
package main

import (
	"fmt"
	"os"
	"runtime"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: cdxdecode FILE.cdx.json")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "cdxdecode:", err)
		os.Exit(1)
	}
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(f, cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		fmt.Fprintln(os.Stderr, "cdxdecode:", err)
		os.Exit(1)
	}
	f.Close()
	n := 0
	if bom.Components != nil {
		n = len(*bom.Components)
	}
	fmt.Println(n, "top-level components")
	runtime.KeepAlive(&bom)
}

// Command embargo finds software from restricted suppliers, says who
// controls it, and writes the evidence. See README.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := newRoot().ExecuteContext(ctx)
	stop()
	code := exitCode(err)
	if err != nil && code != exitRestricted && code != exitIncomplete {
		fmt.Fprintln(os.Stderr, "embargo:", err)
	}
	os.Exit(code)
}

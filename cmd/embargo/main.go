// Command embargo finds software from restricted suppliers, says who
// controls it, and writes the evidence. See README.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
)

func main() {
	version = currentBuild().Version // as reports and the agent name the tool
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := newRoot().ExecuteContext(ctx)
	stop()
	code := exitCode(err)
	if err != nil && code != exitRestricted && code != exitIncomplete {
		fmt.Fprintln(os.Stderr, "embargo:", err)
	}
	os.Exit(code)
}

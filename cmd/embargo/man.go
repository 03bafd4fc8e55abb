package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/spf13/pflag"
)

func newManCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "man --dir DIR",
		Short: "Write a man page (section 1) for every command into DIR",
		Long: `Man writes embargo.1, embargo-scan.1, ... for every command, and embargo-config.1 for the
configuration, from the commands' own help, for packages to install under
/usr/share/man/man1. The pages are dated by $SOURCE_DATE_EPOCH when it is set (reproducible
builds), else by the build's date.`,
		Hidden: true, // a packaging step, not a user's command
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				return fmt.Errorf("give --dir DIR, the directory to write the pages into")
			}
			return writeManPages(cmd.Root(), dir)
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "the directory to write the pages into (made if missing)")
	return cmd
}

// writeManPages writes the pages of root's commands, and of its help
// topics (`embargo config`), into dir.
func writeManPages(root *cobra.Command, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	header := &doc.GenManHeader{Section: "1", Source: "embargo " + currentBuild().Version, Manual: "Embargo Manual"}
	// SOURCE_DATE_EPOCH, when set, is read by cobra/doc itself.
	if os.Getenv("SOURCE_DATE_EPOCH") == "" {
		if t, err := time.Parse(time.RFC3339, currentBuild().Date); err == nil {
			header.Date = &t
		}
	}
	// No "auto generated on <today>" section: a page is the same
	// whenever it is made from the same build.
	root.DisableAutoGenTag = true
	literalHelp(root, map[*pflag.Flag]bool{})
	if err := doc.GenManTree(root, header, dir); err != nil {
		return fmt.Errorf("writing the man pages: %w", err)
	}
	for _, c := range root.Commands() {
		if !c.IsAdditionalHelpTopicCommand() {
			continue
		}
		h := *header
		f, err := os.Create(filepath.Join(dir, "embargo-"+c.Name()+".1"))
		if err != nil {
			return err
		}
		err = doc.GenMan(c, &h, f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("writing the man page of %s: %w", c.Name(), err)
		}
	}
	return nil
}

// literalHelp escapes the help of c and the commands below it, which
// cobra/doc reads as Markdown, so that the pages say what --help says:
// EMBARGO_<COMMAND>_<FLAG> is not an HTML tag, nor _ an emphasis. Lines
// of an indented block (examples) are left as they are: Markdown shows
// them verbatim. It changes the commands, for the pages only.
func literalHelp(c *cobra.Command, done map[*pflag.Flag]bool) {
	c.Short, c.Long = markdownLiteral(c.Short), markdownLiteral(c.Long)
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if !done[f] { // a parent's flag is met again in its subcommands
			done[f] = true
			f.Usage, f.DefValue = markdownLiteral(f.Usage), markdownLiteral(f.DefValue)
		}
	})
	for _, s := range c.Commands() {
		literalHelp(s, done)
	}
}

// markdownLiteral escapes what Markdown would read as markup in text,
// outside indented blocks.
func markdownLiteral(text string) string {
	lines := strings.Split(text, "\n")
	block := true // the text follows a heading, which may open a block
	for i, l := range lines {
		indented := strings.HasPrefix(l, "    ") || strings.HasPrefix(l, "\t")
		switch {
		case strings.TrimSpace(l) == "":
			block = true // a blank line may open a block, and keeps one open
			continue
		case indented && block:
			continue
		}
		block = false
		lines[i] = markdownEscaper.Replace(l)
	}
	return strings.Join(lines, "\n")
}

var markdownEscaper = strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "<", `\<`, ">", `\>`, "[", `\[`, "]", `\]`, "#", `\#`)

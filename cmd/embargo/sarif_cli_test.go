package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestSARIFSourceRoot: with --source-root, SARIF names files relative to
// it under %SRCROOT% for GitHub code scanning; a root that is not a
// directory is refused before anything is read.
func TestSARIFSourceRoot(t *testing.T) {
	out, stderr, code := run(t, "scan", "-o", "sarif", "--source-root", "testdata", "testdata/estate.cdx.json")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (restricted software); stderr: %s", code, stderr)
	}
	var log struct {
		Runs []struct {
			OriginalURIBaseIDs map[string]struct{ URI string } `json:"originalUriBaseIds"`
			Results            []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI       string `json:"uri"`
							URIBaseID string `json:"uriBaseId"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 || len(log.Runs[0].Results) == 0 {
		t.Fatalf("no results: %s", out)
	}
	if root := log.Runs[0].OriginalURIBaseIDs["%SRCROOT%"].URI; !strings.HasPrefix(root, "file:///") || !strings.HasSuffix(root, "/testdata/") {
		t.Errorf("%%SRCROOT%% is %q", root)
	}
	for _, r := range log.Runs[0].Results {
		for _, l := range r.Locations {
			if a := l.PhysicalLocation.ArtifactLocation; a.URI != "estate.cdx.json" || a.URIBaseID != "%SRCROOT%" {
				t.Errorf("artifact location %+v, want estate.cdx.json under %%SRCROOT%%", a)
			}
		}
	}
	_, stderr, code = run(t, "scan", "-o", "sarif", "--source-root", "testdata/estate.cdx.json", "testdata/estate.cdx.json")
	if code != 2 || !strings.Contains(stderr, "estate.cdx.json") {
		t.Errorf("a file as the source root: exit %d, stderr %q", code, stderr)
	}
}

package triage

import (
	"regexp"
	"slices"
	"testing"
)

func TestFoundCountsWhatRedactRemoved(t *testing.T) {
	t.Parallel()
	custom := map[string]*regexp.Regexp{"BADGE": regexp.MustCompile(`\bBDG\d{6}\b`)}
	text := "printer for pt SSN 219-09-9999 and SSN 078-05-1120 badge BDG123456 on 4 West"
	redacted, found := Redact(text, custom)
	if got := Found(redacted, custom); !slices.Equal(got, found) {
		t.Fatalf("Found = %v; Redact reported %v", got, found)
	}
	if got := Found("printer on 4 West", custom); len(got) != 0 {
		t.Fatalf("Found in clean text = %v", got)
	}
}

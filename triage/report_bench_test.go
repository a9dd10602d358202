package triage

import (
	"strings"
	"testing"
)

// The intake path, as the handler runs it: clean, redact, parse, prioritise,
// and pick the open questions. Issue targets: a typical message under 50 µs,
// a 40,000-character one under 5 ms.
//
//	go test -run '^$' -bench Report ./triage/
func benchReport(b *testing.B, text string) {
	opts := Options{Units: []string{"4 West", "5 North", "ED", "ICU", "NICU", "OR", "PACU", "L&D", "Oncology"}}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		redacted, _ := Redact(Clean(text), nil)
		d := Parse(redacted, opts)
		_ = Prioritize(d, opts)
		_ = Questions(d, opts)
	}
}

func BenchmarkReportTypical(b *testing.B) {
	benchReport(b, "barcode scanner on 4W cart 3 won't read wristbands for pt in rm 412, med pass waiting, call me x4357")
}

func BenchmarkReportWithPHI(b *testing.B) {
	benchReport(b, "label printer on 4 West jammed printing for pt John Smith MRN 00123456 DOB 3/14/1952, SSN 219-09-9999")
}

func BenchmarkReport40k(b *testing.B) {
	benchReport(b, strings.Repeat("scanner on 4 West not reading, pt MRN 00123456 waiting. ", 40000/56+1)[:40000])
}

package ticket

import (
	"errors"
	"testing"
)

func TestParseID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{"IT-42", 42, false},
		{"it-42", 42, false},
		{"42", 42, false},
		{" #7 ", 7, false},
		{"INC-3", 0, true},
		{"IT-", 0, true},
		{"IT-0", 0, true},
		{"-5", 0, true},
		{"forty", 0, true},
		{"", 0, true},
		{"IT-99999999999999999999", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseID("IT", tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseID(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		var e *Error
		if err != nil && (!errors.As(err, &e) || e.Code != Invalid) {
			t.Errorf("ParseID(%q) error %v is not an Invalid *Error", tt.in, err)
		}
	}
}

func TestFormatIDRoundTrips(t *testing.T) {
	t.Parallel()
	id := FormatID("IT", 1234)
	if id != "IT-1234" {
		t.Fatalf("FormatID = %q", id)
	}
	if n, err := ParseID("IT", id); err != nil || n != 1234 {
		t.Fatalf("ParseID(%q) = %d, %v", id, n, err)
	}
}

func TestCategoriesAreBuiltin(t *testing.T) {
	t.Parallel()
	for _, c := range BuiltinCategories() {
		if !c.IsBuiltin() || c.Label() == "" {
			t.Errorf("category %q: builtin %v label %q", c, c.IsBuiltin(), c.Label())
		}
	}
	if Category("toaster").IsBuiltin() {
		t.Error("unknown category reported as built-in")
	}
}

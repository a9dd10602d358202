package handlers

import "testing"

func TestPlainWords(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"<@U0BOT> printer jammed", "  printer jammed"},
		{"<!channel> <!here|here> EHR down", "    EHR down"},
		{"see <#C0DESK|desk>", "see #desk"},
		{"see <#C0DESK>", "see  "},
		{"KB: <https://intranet/kb|the KB> and <https://x.test>", "KB: the KB and https://x.test"},
		{"pump alarm in L&amp;D", "pump alarm in L&D"},
		{"typed &lt;!channel&gt; stays escaped", "typed &lt;!channel&gt; stays escaped"},
		{"*MRN:* `12345678` ~old~", " MRN:   12345678   old "},
	}
	for _, tt := range tests {
		if got := plainWords(tt.in); got != tt.want {
			t.Errorf("plainWords(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

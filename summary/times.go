package summary

import (
	"slices"
	"time"
)

// Times are the median and 90th percentile of a set of durations, by the
// nearest-rank method. N is how many durations there were; with none, the
// percentiles are zero and render as "—".
type Times struct {
	N           int
	Median, P90 time.Duration
}

// timesOf sorts ds in place and returns its percentiles. A negative duration,
// which only inconsistent data can give, counts as zero.
func timesOf(ds []time.Duration) Times {
	if len(ds) == 0 {
		return Times{}
	}
	for i, d := range ds {
		ds[i] = max(d, 0)
	}
	slices.Sort(ds)
	return Times{N: len(ds), Median: nearestRank(ds, 50), P90: nearestRank(ds, 90)}
}

// nearestRank is the p-th percentile of the sorted, non-empty ds: the value
// at rank ceil(p/100 × n), computed in integers so that float rounding
// cannot move it (0.9 × 10 is not quite 9 in binary).
func nearestRank(ds []time.Duration, p int) time.Duration {
	rank := (p*len(ds) + 99) / 100
	return ds[max(rank, 1)-1]
}

// Package metrics defines carebot's Prometheus metrics. They are registered on
// a registry the caller owns; there is no global state.
package metrics

import "github.com/prometheus/client_golang/prometheus"

// Metrics holds every collector carebot exports on /metrics.
type Metrics struct {
	// Envelopes counts Socket Mode envelopes by type and what became of them
	// (accepted, duplicate, ignored, refused, acked, bad).
	Envelopes *prometheus.CounterVec
	// AckLatency is the time from receiving an envelope to queueing its ack.
	AckLatency *prometheus.HistogramVec
	// TicketsCreated counts new tickets by source (dm, mention, intake, command).
	TicketsCreated *prometheus.CounterVec
	// SlackCalls counts Web API calls by method and outcome (ok, error,
	// rate_limited, server_error, network).
	SlackCalls *prometheus.CounterVec
	// Reconnects counts Socket Mode connections opened after the first.
	Reconnects prometheus.Counter
	// InboxBacklog is the number of accepted events not yet handled.
	InboxBacklog prometheus.Gauge
	// InboxLag is the age in seconds of the oldest event not yet handled.
	InboxLag prometheus.Gauge
	// HandlerPanics counts recovered panics by envelope type.
	HandlerPanics *prometheus.CounterVec
	// HandlerErrors counts handler errors by envelope type.
	HandlerErrors *prometheus.CounterVec
	// PHIDetections counts patient identifiers removed from reports, by type.
	PHIDetections *prometheus.CounterVec
	// SelfHelp counts answers to self-help offers (fixed, more_help).
	SelfHelp *prometheus.CounterVec
	// PHIRedacted counts patient identifiers the outbound guard removed
	// from what carebot was about to send, by where it was going.
	PHIRedacted *prometheus.CounterVec
}

// New creates the collectors and registers them on reg.
func New(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Envelopes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "carebot_envelopes_total", Help: "Socket Mode envelopes by type and outcome.",
		}, []string{"type", "outcome"}),
		AckLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "carebot_ack_latency_seconds",
			Help:    "Time from receiving an envelope to queueing its ack.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"type"}),
		TicketsCreated: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "carebot_tickets_created_total", Help: "Tickets created by source.",
		}, []string{"source"}),
		SlackCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "carebot_slack_api_calls_total", Help: "Slack Web API calls by method and outcome.",
		}, []string{"method", "outcome"}),
		Reconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "carebot_socket_reconnects_total", Help: "Socket Mode connections opened after the first.",
		}),
		InboxBacklog: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "carebot_inbox_backlog", Help: "Accepted events not yet handled.",
		}),
		InboxLag: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "carebot_inbox_lag_seconds", Help: "Age of the oldest accepted event not yet handled.",
		}),
		HandlerPanics: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "carebot_handler_panics_total", Help: "Recovered handler panics by envelope type.",
		}, []string{"type"}),
		HandlerErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "carebot_handler_errors_total", Help: "Handler errors by envelope type.",
		}, []string{"type"}),
		PHIDetections: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "carebot_phi_detections_total", Help: "Patient identifiers removed from reports, by type.",
		}, []string{"type"}),
		SelfHelp: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "carebot_selfhelp_total", Help: "Answers to self-help offers, by outcome (fixed, more_help).",
		}, []string{"outcome"}),
	}
	m.PHIRedacted = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "carebot_phi_redacted_total",
		Help: "Patient identifiers removed by the outbound guard, by destination (channel, dm, update, ephemeral, home, response, ack, export).",
	}, []string{"where"})
	reg.MustRegister(m.Envelopes, m.AckLatency, m.TicketsCreated, m.SlackCalls, m.Reconnects,
		m.InboxBacklog, m.InboxLag, m.HandlerPanics, m.HandlerErrors, m.PHIDetections, m.SelfHelp, m.PHIRedacted)
	return m
}

package applemdm

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/go-json-experiment/json"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/internal/jsonstream"
)

// The webhook events of MicroMDM (docs/user-guide/api-and-webhooks.md in
// github.com/micromdm/micromdm) and of NanoMDM, which emulates them
// (service/webhook/event.json in github.com/micromdm/nanomdm, a JSON
// schema): {"topic", "event_id", "created_at", "checkin_event" or
// "acknowledge_event"}. An acknowledge event (topic mdm.Connect) carries
// the device's command response as it was sent, base64 in raw_payload,
// beside the udid or enrollment_id and status the server read from it.
// Check-in events (Authenticate, TokenUpdate, CheckOut, ...) carry no
// command response and are passed over. A file holds one event, an array
// of them, or one a line as a webhook receiver logs them.
type event struct {
	Topic string `json:"topic"`
	Ack   *struct {
		UDID         string `json:"udid"`
		EnrollmentID string `json:"enrollment_id"`
		Status       string `json:"status"`
		RawPayload   []byte `json:"raw_payload"`
	} `json:"acknowledge_event"`
}

// sniffWebhook reports whether a JSON head is a webhook event: a key of
// its envelope, or a topic of the mdm. family.
func sniffWebhook(h []byte) bool {
	return bytes.Contains(h, []byte(`"acknowledge_event"`)) || bytes.Contains(h, []byte(`"checkin_event"`)) ||
		bytes.Contains(h, []byte(`"topic"`)) && bytes.Contains(h, []byte(`"mdm.`))
}

// webhook reads a file of webhook events: each acknowledge event's
// payload is read as a property list holding one command response.
func (r *reading) webhook(ctx context.Context, data []byte) error {
	if err := inventory.CheckUTF8(r.name, data); err != nil {
		return err
	}
	if err := jsonstream.CheckDepth(r.name, data, r.lim.MaxDepth); err != nil {
		return err
	}
	bad := func(line int, err error) {
		r.unknown(inventory.Location{Source: r.name, Line: line}, "", "line is not a JSON webhook event: "+err.Error())
	}
	return jsonstream.Each(ctx, r.name, data, func(v jsonstream.Value) error {
		loc := inventory.Location{Source: r.name, Ref: v.Ref, Line: v.Line}
		var ev event
		if err := json.Unmarshal(v.Raw, &ev); err != nil {
			r.unknown(loc, "", "webhook event not read: "+describe(err))
			return nil
		}
		if ev.Ack == nil {
			r.skipped++ // a check-in event
			return nil
		}
		loc.Ref += "/acknowledge_event/raw_payload"
		if len(ev.Ack.RawPayload) == 0 {
			r.unknown(loc, "", fmt.Sprintf("acknowledge event (status %q) without its raw_payload", inventory.Clip(ev.Ack.Status)))
			return nil
		}
		top, err := decode(r.name, ev.Ack.RawPayload, r.lim)
		if err != nil {
			if ie, ok := errors.AsType[*inventory.InputError](err); ok {
				err = ie.Err
			}
			r.unknown(loc, "", "raw_payload is not a property list: "+err.Error())
			return nil
		}
		return r.top(ctx, top, loc.Ref, v.Line, ids{udid: ev.Ack.UDID, enrollmentID: ev.Ack.EnrollmentID})
	}, bad)
}

// describe says what part of an event did not decode.
func describe(err error) string {
	if se, ok := errors.AsType[*json.SemanticError](err); ok && se.JSONPointer != "" && se.Err != nil {
		return fmt.Sprintf("%s: %v", se.JSONPointer, se.Err)
	}
	return err.Error()
}

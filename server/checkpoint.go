package server

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/embargo-dev/embargo/store/checkpoint"
)

// Checkpoints anchor the audit log outside the database (package
// checkpoint): the server signs the log's head with a key the database
// does not hold, every Every while it moved and once more at shutdown,
// and appends each to File (append-only; also logged, so that a journal
// keeps a copy).
type Checkpoints struct {
	Signer note.Signer
	File   string
	Every  time.Duration // 0: a minute
}

// checkpointer signs the head whenever it moved since the last
// checkpoint.
type checkpointer struct {
	s    *Server
	cfg  Checkpoints
	last int64
}

// run checkpoints until ctx ends, then once more.
func (c *checkpointer) run(ctx context.Context) {
	every := c.cfg.Every
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			if err := c.once(context.Background()); err != nil {
				c.s.log.Error("audit checkpoint at shutdown", "err", err.Error())
			}
			return
		case <-t.C:
			if err := c.once(ctx); err != nil {
				c.s.log.Error("audit checkpoint", "err", err.Error())
			}
		}
	}
}

// once signs and appends the head if it moved.
func (c *checkpointer) once(ctx context.Context) error {
	seq, hash, err := c.s.st.AuditHead(ctx)
	if err != nil {
		return err
	}
	if seq == c.last && c.last != 0 {
		return nil
	}
	signed, err := checkpoint.Sign(checkpoint.Checkpoint{Origin: c.cfg.Signer.Name(), Seq: seq, Hash: hash}, c.cfg.Signer)
	if err != nil {
		return err
	}
	if err := checkpoint.Append(c.cfg.File, signed); err != nil {
		return fmt.Errorf("writing the checkpoint to %s: %w", c.cfg.File, err)
	}
	c.last = seq
	c.s.log.Info("audit checkpoint", "seq", seq, "checkpoint", string(signed))
	return nil
}

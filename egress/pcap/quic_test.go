package pcap

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/egress"
)

// RFC 9001 A.1: the client Initial keys for DCID 8394c8f03e515708. The
// keys hide in their ciphers: compare what the ciphers do.
func TestClientInitialKeys(t *testing.T) {
	keys, err := clientInitialKeys(mustHex(t, "8394c8f03e515708"))
	if err != nil {
		t.Fatal(err)
	}
	key, _ := aes.NewCipher(mustHex(t, "1f369613dd76d5467730efcbe3b1a22d"))
	aead, _ := cipher.NewGCM(key)
	hp, _ := aes.NewCipher(mustHex(t, "9f50449e04a0e810283a1e9933adedd2"))
	nonce := make([]byte, 12)
	var gotMask, wantMask [16]byte
	keys.hp.Encrypt(gotMask[:], make([]byte, 16))
	hp.Encrypt(wantMask[:], make([]byte, 16))
	got := []string{hex.EncodeToString(keys.iv), hex.EncodeToString(keys.aead.Seal(nil, nonce, []byte("x"), nil)), hex.EncodeToString(gotMask[:])}
	want := []string{"fa044b2f42a3fd3b46fb255c", hex.EncodeToString(aead.Seal(nil, nonce, []byte("x"), nil)), hex.EncodeToString(wantMask[:])}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("iv, sealed, mask (-want +got):\n%s", diff)
	}
}

// RFC 9001 A.2: the sample client Initial decrypts and names example.com.
func TestQUICInitialRFC9001(t *testing.T) {
	b, err := os.ReadFile("testdata/rfc9001-a2-client-initial.hex")
	if err != nil {
		t.Fatal(err)
	}
	var hexText strings.Builder
	for line := range strings.Lines(string(b)) {
		if !strings.HasPrefix(line, "#") {
			hexText.WriteString(strings.Join(strings.Fields(line), ""))
		}
	}
	got, bads := quicNames(t, mustHex(t, hexText.String()))
	if diff := cmp.Diff([]egress.Name{{Name: "example.com", Via: egress.ViaQUICSNI}}, got); diff != "" || len(bads) > 0 {
		t.Errorf("names (-want +got):\n%s\nbads: %v", diff, bads)
	}
}

// A ClientHello from Go's own QUIC client, its CRYPTO stream split over
// two Initials sent in reverse order, and damaged Initials.
func TestQUICInitial(t *testing.T) {
	hello := quicClientHello(t, "Quic.Embargo.test")
	dcid := mustHex(t, "0001020304050607")
	mid := len(hello) / 2
	first := sealInitial(dcid, 0, cryptoFrame(0, hello[:mid]))
	second := sealInitial(dcid, 1, append([]byte{0x01}, cryptoFrame(mid, hello[mid:])...))
	corrupt := append([]byte(nil), first...)
	corrupt[len(corrupt)-1] ^= 1
	name := []egress.Name{{Name: "quic.embargo.test", Via: egress.ViaQUICSNI}}
	for _, tc := range []struct {
		desc      string
		datagrams [][]byte
		want      []egress.Name
		bad       string
	}{
		{"in order", [][]byte{first, second}, name, ""},
		{"reversed", [][]byte{second, first}, name, ""},
		{"one half", [][]byte{second}, nil, ""},
		{"tag damaged", [][]byte{corrupt, second}, nil, "does not decrypt"},
		{"cut short", [][]byte{first[:30]}, nil, "length"},
		{"stream frame", [][]byte{sealInitial(dcid, 0, []byte{0x08, 0, 0})}, nil, "frame type 0x8"},
		{"not initial", [][]byte{append([]byte{0xe3}, first[1:]...)}, nil, ""},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			got, bads := quicNames(t, tc.datagrams...)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
			if tc.bad == "" && len(bads) > 0 || tc.bad != "" && (len(bads) == 0 || !strings.Contains(bads[0].Reason, tc.bad)) {
				t.Errorf("bads %v, want one saying %q", bads, tc.bad)
			}
		})
	}
}

// quicNames feeds datagrams to one UDP flow as its client's.
func quicNames(t *testing.T, datagrams ...[]byte) ([]egress.Name, []egress.Bad) {
	t.Helper()
	var c collect
	r := newRun(&Reader{}, "test", &c)
	r.f = &frame{num: 1}
	f := &flow{}
	for _, d := range datagrams {
		r.clientUDP(f, &packet{proto: egress.UDP, payload: d})
	}
	return f.rec.Names, c.bads
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// quicClientHello is the ClientHello Go's QUIC client sends for name.
func quicClientHello(t testing.TB, name string) []byte {
	t.Helper()
	hello, err := quicHello(name)
	if err != nil {
		t.Fatal(err)
	}
	return hello
}

func quicHello(name string) ([]byte, error) {
	qc := tls.QUICClient(&tls.QUICConfig{TLSConfig: &tls.Config{ServerName: name, NextProtos: []string{"h3"}, MinVersion: tls.VersionTLS13}})
	defer qc.Close()
	qc.SetTransportParameters([]byte{0x0f, 0x04, 1, 2, 3, 4}) // initial_source_connection_id
	if err := qc.Start(context.Background()); err != nil {
		return nil, err
	}
	var hello []byte
	for e := qc.NextEvent(); e.Kind != tls.QUICNoEvent; e = qc.NextEvent() {
		if e.Kind == tls.QUICWriteData && e.Level == tls.QUICEncryptionLevelInitial {
			hello = append(hello, e.Data...)
		}
	}
	if len(hello) == 0 {
		return nil, errors.New("the QUIC client wrote no ClientHello")
	}
	return hello, nil
}

// sealInitial protects frames as a client Initial (RFC 9001 5), padded
// to the 1200 bytes a client's first datagram must fill.
func sealInitial(dcid []byte, pn uint32, frames []byte) []byte {
	keys, err := clientInitialKeys(dcid)
	if err != nil {
		panic(err) // only for a hash that cannot expand 16 bytes
	}
	hdr := append([]byte{0xc3, 0, 0, 0, 1, byte(len(dcid))}, dcid...)
	hdr = append(hdr, 0, 0) // no source connection ID, no token
	payload := append([]byte(nil), frames...)
	if pad := 1200 - (len(hdr) + 2 + 4 + len(payload) + 16); pad > 0 {
		payload = append(payload, make([]byte, pad)...)
	}
	length := 4 + len(payload) + 16
	hdr = append(hdr, 0x40|byte(length>>8), byte(length))
	pnOff := len(hdr)
	hdr = append(hdr, byte(pn>>24), byte(pn>>16), byte(pn>>8), byte(pn))
	nonce := append([]byte(nil), keys.iv...)
	for i := range 4 {
		nonce[8+i] ^= hdr[pnOff+i]
	}
	ct := keys.aead.Seal(nil, nonce, payload, hdr)
	var mask [16]byte
	keys.hp.Encrypt(mask[:], ct[:16])
	hdr[0] ^= mask[0] & 0x0f
	for i := range 4 {
		hdr[pnOff+i] ^= mask[1+i]
	}
	return append(hdr, ct...)
}

func cryptoFrame(off int, data []byte) []byte {
	b := []byte{0x06, 0x80 | byte(off>>24), byte(off >> 16), byte(off >> 8), byte(off)}
	n := len(data)
	return append(append(b, 0x80|byte(n>>24), byte(n>>16), byte(n>>8), byte(n)), data...)
}

package server

import (
	_ "embed"
	"net/http"
)

// openAPI describes every /api/v1 route; a test checks it against routes.
//
//go:embed openapi.yaml
var openAPI []byte

func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/yaml")
	w.Write(openAPI)
}

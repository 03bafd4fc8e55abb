package server

import (
	"net/http"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/server/web"
)

// dashboard is the server-rendered dashboard (server/web), served under
// "/" behind withSession, which has already attached the user and
// checked the CSRF token of unsafe requests.
func (s *Server) dashboard() http.Handler {
	return web.New(s.st, web.Options{ViewerFrom: viewerFrom, CSRFToken: csrfToken, Now: s.now, Logger: s.log,
		CatalogNow: func() *catalog.Catalog { return s.dataNow().cat }})
}

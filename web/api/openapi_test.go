package api

import "testing"

// TestOpenAPICoversRoutes fails when a route of the routes table has no
// description in the OpenAPI document, or a description has no route.
func TestOpenAPICoversRoutes(t *testing.T) {
	seen := map[string]bool{}
	for _, rt := range (&API{}).RouteList() {
		seen[rt] = true
		if _, ok := docs[rt]; !ok {
			t.Errorf("route %s is missing from the OpenAPI document (docs in openapi.go)", rt)
		}
	}
	for rt := range docs {
		if !seen[rt] {
			t.Errorf("the OpenAPI document describes %s, which is not in the routes table", rt)
		}
	}
}

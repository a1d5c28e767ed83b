"""Operating the platform: start-up checks, health and readiness, metrics, structured logs.
Faces-level plumbing bound by create_app(); nothing here holds a rule."""

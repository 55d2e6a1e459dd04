// Public API: re-exports only.

"""The partner API (thin: calls services)."""

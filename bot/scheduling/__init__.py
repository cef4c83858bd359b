"""Daily lessons beyond the chat flow: local-time arithmetic, the curriculum, cards and status."""

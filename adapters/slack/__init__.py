"""The Slack adapter: Bolt AsyncApp wiring, payload translation, Block Kit rendering and delivery."""
